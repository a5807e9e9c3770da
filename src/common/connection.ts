import { Max, Min } from 'class-validator';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors';
import { isId } from './ids';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `At most ${MAX_PAGE_SIZE}.` })
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** A Relay connection type for `Node` (`<Name>Connection` with `<Name>Edge`). */
export function ConnectionType<T extends object>(Node: ClassType<T>, name = Node.name) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => Node)
    node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionClass;
}

/*
 * Cursors are opaque to clients but are keyset positions underneath: the id of the last item
 * (ids are UUIDv7, so id order is creation order). A page never skips or repeats an item when
 * items are added between pages, as an offset would.
 */
export const encodeCursor = (id: string): string => encodeKeyCursor('id', id);

export function decodeCursor(cursor: string): string {
  const id = decodeKeyCursor('id', cursor);
  if (!isId(id)) throw badInput('after is not a cursor from this list');
  return id;
}

/** A cursor on another sort key than the id (e.g. a recipient e-mail for grouped lists). */
export const encodeKeyCursor = (kind: string, key: string): string =>
  Buffer.from(`${kind}:${key}`).toString('base64url');

export function decodeKeyCursor(kind: string, cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  if (!decoded.startsWith(`${kind}:`)) throw badInput('after is not a cursor from this list');
  return decoded.slice(kind.length + 1);
}

/**
 * Turns `first + 1` rows fetched after a cursor into a page: the extra row only says whether
 * there is a next page. Each edge's cursor is the row's id, or what `cursorOf` makes of the row.
 */
export function toConnection<T extends { id: string }>(rows: T[], args: PageArgs): Connection<T>;
export function toConnection<T>(rows: T[], args: PageArgs, cursorOf: (node: T) => string): Connection<T>;
export function toConnection<T>(rows: T[], args: PageArgs, cursorOf?: (node: T) => string): Connection<T> {
  const cursor = cursorOf ?? ((node: T) => encodeCursor((node as { id: string }).id));
  const page = rows.slice(0, args.first);
  const edges = page.map((node) => ({ cursor: cursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > args.first,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * A page of a list already loaded whole (through a DataLoader, e.g. a share's devices): the same
 * keyset cursors on the id as the lists read from the database.
 */
export function paginate<T extends { id: string }>(rows: readonly T[], args: PageArgs): Connection<T> {
  const after = args.after ? decodeCursor(args.after) : null;
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rest = after ? sorted.filter((row) => row.id > after) : sorted;
  return toConnection(rest.slice(0, args.first + 1), args);
}
