import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAppSchema, printAppSchema } from '../src/schema';

describe('schema.graphql', () => {
  it('is the schema the code emits (run `npm run schema:emit` after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8');
    expect(printAppSchema(await buildAppSchema())).toBe(committed);
  });
});
