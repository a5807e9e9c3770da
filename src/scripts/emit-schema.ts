import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAppSchema, printAppSchema } from '../schema';

/** Writes schema.graphql from the code (`npm run schema:emit`); a test fails when it is stale. */
void buildAppSchema().then((schema) => {
  writeFileSync(join(__dirname, '..', '..', 'schema.graphql'), printAppSchema(schema));
  console.log('schema.graphql written');
});
