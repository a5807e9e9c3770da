import { getNamedType, getNullableType, isInputObjectType, isListType, type GraphQLInputType } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { badInput } from '../common/errors';
import { isId } from '../common/ids';

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

/**
 * Every ID is a UUID. A malformed one is refused here, in one place, with BAD_USER_INPUT
 * naming the argument, before it can reach a query (where PostgreSQL would reject it as a
 * server error).
 */
export const checkIdArguments: MiddlewareFn = ({ args, info }, next) => {
  for (const argument of info.parentType.getFields()[info.fieldName].args) {
    const path = malformedIdPath(argument.type, args[argument.name], argument.name);
    if (path) throw badInput(`${path} is not a valid ID`);
  }
  return next();
};
