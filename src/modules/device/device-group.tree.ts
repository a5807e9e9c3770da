/** Pure helpers over an enterprise's group tree, given as (id, parentId) pairs. */
export interface GroupNode {
  id: string;
  parentId: string | null;
}

export const MAX_GROUP_DEPTH = 16;

/** How many levels down a group sits (a top-level group is at depth 1). */
export function depthOf(groups: readonly GroupNode[], id: string): number {
  const parentOf = new Map(groups.map((group) => [group.id, group.parentId]));
  let depth = 0;
  for (let current: string | null | undefined = id; current; current = parentOf.get(current)) depth++;
  return depth;
}

/** The group and all groups below it. */
export function subtreeIds(groups: readonly GroupNode[], rootId: string): string[] {
  const children = new Map<string, string[]>();
  for (const group of groups) {
    if (group.parentId) children.set(group.parentId, [...(children.get(group.parentId) ?? []), group.id]);
  }
  const ids: string[] = [];
  const pending = [rootId];
  while (pending.length) {
    const id = pending.pop()!;
    ids.push(id);
    pending.push(...(children.get(id) ?? []));
  }
  return ids;
}
