import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  defaultFieldResolver,
  getNullableType,
  GraphQLError,
  isLeafType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_PAGE_SIZE } from '../common/connection';
import { AppError, ErrorCode } from '../common/errors';
import type { OperationLimits } from '../config';
import type { RequestContext } from '../context/request-context';
import { objectFields } from '../common/schema-fields';

export type OperationLimit = 'tokens' | 'depth' | 'aliases' | 'directives' | 'cost';

/** QUERY_TOO_COMPLEX, naming the limit, its maximum and what the operation measured. */
export function tooComplex(limit: OperationLimit, maximum: number, measured?: number): AppError {
  const found = measured === undefined ? `more than ${maximum}` : String(measured);
  return new AppError(
    ErrorCode.QUERY_TOO_COMPLEX,
    `The operation exceeds the ${limit} limit: at most ${maximum}, found ${found}`,
    { limit, maximum, ...(measured !== undefined && { measured }), http: { status: 400 } },
  );
}

const responseTooLarge = (maximum: number, measured: number) =>
  new AppError(
    ErrorCode.RESPONSE_TOO_LARGE,
    `The answer would be ${measured} bytes, more than the ${maximum} allowed: ask for less (smaller pages, fewer fields)`,
    { maximum, measured },
  );

/** Costs remembered per document, for as many different page sizes (and @include / @skip values). */
const COSTS_PER_DOCUMENT = 32;

/** The variables an operation's cost depends on: those given to `first`, `@include(if:)` or `@skip(if:)`. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'if') && node.value.kind === Kind.VARIABLE) {
        names.add(node.value.name.value);
      }
    },
  });
  return [...names].sort();
}

/**
 * U+0000 has no place in any field of this schema, and PostgreSQL refuses it in text (a lookup
 * with it failed as an internal error): it is refused up front, in literals and in variables.
 */
const NUL = '\u0000';
const nulRefused = (where: string, node?: ASTNode) =>
  new AppError(
    ErrorCode.BAD_USER_INPUT,
    `${where} contains the NUL character (U+0000), which no field accepts`,
    { http: { status: 400 } },
    node,
  );

/** Validation rule: no string literal of the document holds U+0000. */
const NoNulCharacterRule: ValidationRule = (context) => ({
  StringValue(node) {
    if (node.value.includes(NUL)) context.reportError(nulRefused('A string', node));
  },
});

/** The path of the first string holding U+0000 in a variables object, or null. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulPath(item, `${path}.${key}`) ?? (key.includes(NUL) ? `${path}.${key}` : null);
      if (found) return found;
    }
  }
  return null;
}

/** graphql-js's own words when `parse` stops at `maxTokens` (it names no count). */
const TOKEN_LIMIT_MESSAGE = /Document contains more (?:that|than) \d+ tokens/;
const SUGGESTION = / ?Did you mean .+\?$/;

/**
 * Lists cost what they may hold: a connection field with `first: n` costs n times its selection
 * (its default page when `first` is not given), any other field 1 plus its selection. A `first`
 * outside 0-500 counts as 500: the connection refuses it with BAD_USER_INPUT, which says more.
 */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) =>
  typeof args.first === 'number' ? 1 + Math.min(Math.max(0, args.first), MAX_PAGE_SIZE) * childComplexity : undefined;

/**
 * The time limit (GRAPHQL_TIMEOUT_MS) holds wherever execution goes, not only when a DataLoader
 * batch starts: every root field, and every field that returns an object or a list, first
 * checks its operation's deadline (RequestContext.checkTime). So no service call starts past it,
 * and neither does the resolution of the next object, however its data was loaded or computed.
 * Leaves are left out: they are most of an answer's fields, and each is at most one object's
 * worth of work past the last check. One comparison with performance.now() per checked field,
 * on the schema both transports execute.
 */
function checkTimeBeforeDescending(schema: GraphQLSchema): void {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const [type, field] of objectFields<RequestContext>(schema)) {
    if (!roots.has(type) && isLeafType(getNullableType(field.type))) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: RequestContext, info) => {
      context.checkTime();
      return resolve(source, args, context, info);
    };
  }
}

/**
 * The one set of operation limits of the server. HTTP applies it through Apollo (parse options,
 * validation rules, the plugin); graphql-ws through `parse`, `validate` and `checkCost` in its
 * `onSubscribe` hook, so that neither transport is a way around the other's rules. The time
 * limit is checked by the schema's own resolvers, which the guard wraps once for both.
 */
export class OperationGuard {
  /** Rules added to graphql's specified ones: depth, aliases, directives, no U+0000, and no introspection unless allowed. */
  readonly validationRules: ValidationRule[];
  private readonly costInputs = new WeakMap<DocumentNode, string[]>();
  private readonly costs = new WeakMap<DocumentNode, Map<string, number>>();

  constructor(
    private readonly schema: GraphQLSchema,
    readonly limits: OperationLimits,
  ) {
    checkTimeBeforeDescending(schema);
    this.validationRules = [
      armorRule(maxDepthRule, 'depth', limits.maxDepth, { flattenFragments: false, ignoreIntrospection: true }),
      armorRule(maxAliasesRule, 'aliases', limits.maxAliases),
      armorRule(maxDirectivesRule, 'directives', limits.maxDirectives),
      NoNulCharacterRule,
      ...(limits.revealSchema ? [] : [NoSchemaIntrospectionCustomRule]),
    ];
  }

  /** graphql-js stops lexing after `maxTokens`, before building anything large. */
  get parseOptions() {
    return { maxTokens: this.limits.maxTokens };
  }

  /** Parses a graphql-ws operation under the token limit. */
  parse(source: string): DocumentNode {
    try {
      return parse(source, this.parseOptions);
    } catch (error) {
      throw this.clientError(error as GraphQLError);
    }
  }

  /** graphql's rules plus this guard's, as Apollo runs them for HTTP. */
  validate(document: DocumentNode): readonly GraphQLError[] {
    return validate(this.schema, document, [...specifiedRules, ...this.validationRules]);
  }

  /**
   * What is checked once the operation and its variables are known, on both transports:
   * BAD_USER_INPUT for a variable holding U+0000, then the cost.
   */
  checkOperation(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>) {
    for (const [name, value] of Object.entries(variables)) {
      const found = nulPath(value, `$${name}`);
      if (found) throw nulRefused(`Variable ${found}`);
    }
    this.checkCost(document, operationName, variables);
  }

  /** QUERY_TOO_COMPLEX when the operation could resolve more than `maxCost` fields. */
  checkCost(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>) {
    const cost = this.costOf(document, operationName, variables);
    if (cost === null) return;
    if (cost > this.limits.maxCost) throw tooComplex('cost', this.limits.maxCost, cost);
  }

  /**
   * What an operation may resolve, remembered per document (Apollo hands every request of one
   * query the same parsed document) and per value of the variables the cost depends on; null for
   * variables that execution will refuse anyway.
   */
  private costOf(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown>,
  ): number | null {
    let inputs = this.costInputs.get(document);
    if (!inputs) this.costInputs.set(document, (inputs = costVariables(document)));
    let known = this.costs.get(document);
    if (!known) this.costs.set(document, (known = new Map()));
    const key = JSON.stringify([operationName ?? null, ...inputs.map((name) => variables[name] ?? null)]);
    const remembered = known.get(key);
    if (remembered !== undefined) return remembered;
    let cost: number;
    try {
      cost = getComplexity({
        schema: this.schema,
        query: document,
        operationName: operationName ?? undefined,
        variables,
        estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
      });
    } catch (error) {
      // Malformed variables: execution refuses them with graphql's own error, before resolving anything.
      if (error instanceof GraphQLError && !(error instanceof AppError)) return null;
      throw error;
    }
    if (known.size < COSTS_PER_DOCUMENT) known.set(key, cost);
    return cost;
  }

  /** RESPONSE_TOO_LARGE when the answer's JSON is over `maxResponseBytes` (to be sent in its place). */
  responseSizeError(result: object): AppError | null {
    const bytes = Buffer.byteLength(JSON.stringify(result));
    return bytes > this.limits.maxResponseBytes ? responseTooLarge(this.limits.maxResponseBytes, bytes) : null;
  }

  /**
   * How an error of this guard's rules or of graphql's own reaches clients: the token limit as
   * QUERY_TOO_COMPLEX, and without "Did you mean …" suggestions unless the schema may be revealed.
   */
  clientError(error: GraphQLError): GraphQLError {
    if (TOKEN_LIMIT_MESSAGE.test(error.message)) return tooComplex('tokens', this.limits.maxTokens);
    if (this.limits.revealSchema || !SUGGESTION.test(error.message)) return error;
    return new GraphQLError(error.message.replace(SUGGESTION, ''), {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: error.extensions,
    });
  }

  /** The cost limit and the answer size limit for Apollo (the other limits are its parse and validation options). */
  apolloPlugin(): ApolloServerPlugin<RequestContext> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ document, operationName, request }) => {
          this.checkOperation(document, operationName, request.variables ?? {});
        },
        willSendResponse: async ({ response }) => {
          if (response.body.kind !== 'single') return;
          const tooLarge = this.responseSizeError(response.body.singleResult);
          if (tooLarge) response.body.singleResult = { errors: [tooLarge.toJSON()] };
        },
      }),
    };
  }
}

type ArmorRule = (options: {
  n: number;
  propagateOnRejection: boolean;
  onReject: ((context: ValidationContext | null, error: GraphQLError) => void)[];
}) => ValidationRule;

/**
 * One of graphql-armor's counting rules, reporting QUERY_TOO_COMPLEX with the measured value
 * (armor says "… exceeded, found N." in its own message) instead of throwing out of validation.
 */
function armorRule(
  rule: (options: never) => ValidationRule,
  limit: OperationLimit,
  maximum: number,
  extra: Record<string, unknown> = {},
): ValidationRule {
  return (rule as unknown as ArmorRule)({
    ...extra,
    n: maximum,
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        const measured = /found (\d+)/.exec(error.message);
        context?.reportError(tooComplex(limit, maximum, measured ? Number(measured[1]) : undefined));
      },
    ],
  });
}
