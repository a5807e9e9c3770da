import { createDataSource } from '../src/database/data-source';
import { createTestDatabase } from './support/test-database';

describe('migrations', () => {
  it('build exactly the schema the entities describe (run `npm run migration:generate` after changing an entity)', async () => {
    const database = await createTestDatabase();
    const dataSource = createDataSource({ databaseUrl: database.url });
    await dataSource.initialize();
    try {
      expect(await dataSource.showMigrations()).toBe(true);
      await dataSource.runMigrations({ transaction: 'each' });
      expect(await dataSource.showMigrations()).toBe(false);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('can be reverted down to an empty database and applied again', async () => {
    const database = await createTestDatabase();
    const dataSource = createDataSource({ databaseUrl: database.url });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await dataSource.showMigrations()).toBe(true);
      await dataSource.runMigrations({ transaction: 'each' });
      expect(await dataSource.showMigrations()).toBe(false);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
