import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The tests' GraphQL documents (documents.graphql) typed from schema.graphql: `npm run
 * codegen:test` writes documents.generated.ts, and test/schema.test.ts fails when it is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'test/support/graphql/documents.graphql',
  generates: {
    'test/support/graphql/documents.generated.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: {
          DateTimeISO: 'string',
          Email: 'string',
          JSONObject: 'Record<string, unknown>',
        },
      },
    },
  },
};

export default config;
