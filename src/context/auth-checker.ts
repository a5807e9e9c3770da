import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { forbidden } from '../common/errors';
import type { FieldRule } from './field-rule';
import type { RequestContext } from './request-context';
import { objectFields } from '../common/schema-fields';

/**
 * Read rules for fields, by rule name: may the viewer read this field of `root`? A rule answers
 * at once (a boolean) when what it needs is at hand, and a promise only when it must load.
 */
export type FieldRules = Partial<Record<FieldRule, (root: object, ctx: RequestContext) => boolean | Promise<boolean>>>;

/**
 * The one place where field-level permissions (SPEC §4) are enforced: every field marked
 * `@ReadRule(rule)` is wrapped here, once, when the schema is built, with the rule it names
 * from those the modules register (`enforceFieldRules(schema, accountFieldRules, …)` in
 * schema.ts). A field the viewer may not read resolves to null with a FORBIDDEN error at its
 * path; the object around it stays. A rule that no module registered fails the build. A rule
 * that answers at once costs no promise: most fields of a dashboard pass that way.
 */
export function enforceFieldRules(schema: GraphQLSchema, ...registered: FieldRules[]): GraphQLSchema {
  const rules: FieldRules = Object.assign({}, ...registered);
  for (const [type, field] of objectFields<RequestContext>(schema)) {
    const rule = field.extensions.readRule as FieldRule | undefined;
    if (!rule) continue;
    const allows = rules[rule];
    if (!allows) throw new Error(`No policy is registered for field rule ${rule}`);
    const resolve = field.resolve ?? defaultFieldResolver;
    const refused = `You may not read ${type.name}.${field.name}`;
    field.resolve = (source, args, context: RequestContext, info) => {
      const allowed = allows(source as object, context);
      if (allowed === true) return resolve(source, args, context, info);
      if (allowed === false) throw forbidden(refused);
      return allowed.then((yes) => {
        if (!yes) throw forbidden(refused);
        return resolve(source, args, context, info);
      });
    };
  }
  return schema;
}
