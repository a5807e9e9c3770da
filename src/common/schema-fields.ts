import { isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';

/**
 * Every field of the schema's own object types (introspection's left out), with its type: what
 * the schema passes that wrap resolvers once when it is built (field rules, ID arguments, the time
 * limit) go through. `Context` is what their resolvers are handed.
 */
export function* objectFields<Context>(
  schema: GraphQLSchema,
): Generator<[GraphQLObjectType, GraphQLField<unknown, Context>]> {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) yield [type, field];
  }
}
