import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The tests' GraphQL documents typed from schema.graphql: the shared ones (documents.graphql, what
 * the world builder sends) and each e2e folder's own, beside its world file (e.g.
 * test/e2e/share/sharing.graphql). `npm run codegen:test` writes one documents.generated.ts for
 * all of them, and test/schema.test.ts fails when it is stale. Operation names are unique across
 * the suite: a folder's own start with its world's name (Sharing…, Inventory…, Enterprises…).
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/support/graphql/documents.graphql', 'test/e2e/**/*.graphql'],
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
