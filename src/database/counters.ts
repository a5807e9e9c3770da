import type { EntityManager } from 'typeorm';
import { Counter } from './counter.entity';

/**
 * Takes the next `count` values of a named counter, inside the caller's transaction. The counter
 * row stays locked until that transaction ends, so values are handed out in commit order: once a
 * value is visible to readers, no smaller value can still appear. (SQLite transactions run one at
 * a time anyway.)
 */
export async function allocate(manager: EntityManager, name: string, count: number): Promise<number[]> {
  await manager.createQueryBuilder().insert().into(Counter).values({ name, value: '0' }).orIgnore().execute();
  await manager
    .createQueryBuilder()
    .update(Counter)
    .set({ value: () => `"value" + ${Math.trunc(count)}` })
    .where('name = :name', { name })
    .execute();
  const { value } = await manager.findOneByOrFail(Counter, { name });
  const last = Number(value);
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
}
