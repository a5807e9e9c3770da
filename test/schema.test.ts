import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAppSchema, printAppSchema } from '../src/schema';

describe('schema.graphql', () => {
  it('is the schema the code emits (run `npm run schema:emit` after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8');
    expect(printAppSchema(await buildAppSchema())).toBe(committed);
  });
});

describe('the typed test documents (test/support/graphql/)', () => {
  it('are generated from schema.graphql and the .graphql documents (run `npm run codegen:test` after changing any)', () => {
    const run = spawnSync(
      process.execPath,
      [
        join(__dirname, '..', 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js'),
        '--config',
        'test/support/graphql/codegen.ts',
        '--check',
      ],
      { cwd: join(__dirname, '..'), encoding: 'utf8' },
    );
    expect({ status: run.status, stderr: run.stderr.slice(0, 2000) }).toEqual({ status: 0, stderr: expect.anything() });
  }, 60_000);
});
