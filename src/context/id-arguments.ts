import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { badInput } from '../common/errors';
import { isId } from '../common/ids';
import { objectFields } from '../common/schema-fields';

/** Where in an argument value a malformed ID sits, or null when all IDs are well formed. */
function malformedIdPath(type: GraphQLInputType, value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      const found = malformedIdPath(nullable.ofType, items[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields())) {
      const found = malformedIdPath(
        field.type,
        (value as Record<string, unknown>)[field.name],
        `${path}.${field.name}`,
      );
      if (found) return found;
    }
    return null;
  }
  if (getNamedType(nullable).name === 'ID' && (typeof value !== 'string' || !isId(value))) return path;
  return null;
}

/** Whether a value of `type` can hold an ID anywhere inside it (input objects are followed once each). */
function holdsId(type: GraphQLInputType, followed = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named.name === 'ID') return true;
  if (!isInputObjectType(named) || followed.has(named.name)) return false;
  followed.add(named.name);
  return Object.values(named.getFields()).some((field) => holdsId(field.type, followed));
}

/** BAD_USER_INPUT naming the first malformed ID among `args`. */
function requireWellFormedIds(idArguments: readonly GraphQLArgument[], args: Record<string, unknown>): void {
  for (const argument of idArguments) {
    const path = malformedIdPath(argument.type, args[argument.name], argument.name);
    if (path) throw badInput(`${path} is not a valid ID`);
  }
}

/**
 * Every ID is a UUID. A malformed one is refused in one place, with BAD_USER_INPUT naming the
 * argument, before it can reach a query (where PostgreSQL would reject it as a server error).
 * Only the fields whose arguments can hold an ID are wrapped (found once, when the schema is
 * built), on `resolve` and, for subscriptions, on `subscribe`: the other fields, most of an answer,
 * resolve with nothing in between (a middleware on every field cost the share graph half its rate).
 */
export function checkIdArguments(schema: GraphQLSchema): GraphQLSchema {
  for (const [, field] of objectFields(schema)) {
    const idArguments = field.args.filter((argument) => holdsId(argument.type));
    if (idArguments.length === 0) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => {
      requireWellFormedIds(idArguments, args);
      return resolve(source, args, context, info);
    };
    const subscribe = field.subscribe;
    if (subscribe) {
      field.subscribe = (source, args, context, info) => {
        requireWellFormedIds(idArguments, args);
        return subscribe(source, args, context, info);
      };
    }
  }
  return schema;
}
