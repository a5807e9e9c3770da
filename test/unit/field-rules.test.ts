import { execute, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { enforceFieldRules } from '../../src/context/auth-checker';
import { FieldRule } from '../../src/context/field-rule';
import type { RequestContext } from '../../src/context/request-context';

/** A schema with one field guarded by `FieldRule.AccountEmail`, the way `@ReadRule` marks it. */
const schema = () =>
  new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        email: {
          type: GraphQLString,
          extensions: { readRule: FieldRule.AccountEmail },
          resolve: () => 'a@example.com',
        },
        name: { type: GraphQLString, resolve: () => 'Ada' },
      },
    }),
  });

const run = (guarded: GraphQLSchema) =>
  execute({ schema: guarded, document: parse('{ email name }'), contextValue: {} as RequestContext });

describe('field read rules (enforceFieldRules)', () => {
  it('a field whose rule no module registered fails the schema build, not a request', () => {
    expect(() => enforceFieldRules(schema())).toThrow('No policy is registered for field rule account.email');
  });

  it('a refused field resolves to null with FORBIDDEN at its path; the rest of the answer stays', async () => {
    for (const refuse of [() => false, () => Promise.resolve(false)]) {
      const result = await run(enforceFieldRules(schema(), { [FieldRule.AccountEmail]: refuse }));
      expect(result.data).toEqual({ email: null, name: 'Ada' });
      expect(result.errors?.map((error) => [error.path, error.extensions.code])).toEqual([[['email'], 'FORBIDDEN']]);
    }
  });

  it('an allowed field resolves, whether its rule answers at once or after loading', async () => {
    for (const allow of [() => true, () => Promise.resolve(true)]) {
      const result = await run(enforceFieldRules(schema(), { [FieldRule.AccountEmail]: allow }));
      expect(result).toEqual({ data: { email: 'a@example.com', name: 'Ada' } });
    }
  });
});
