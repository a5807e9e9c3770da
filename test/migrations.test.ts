import { createDataSource } from '../src/database/data-source';
import { SharedDevice } from '../src/modules/share/share.entity';
import { createTestDatabase } from './support/test-database';
import { startTestServer } from './support/test-server';
import { World } from './support/world';

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

describe('the SharedDeviceEnterprise migration', () => {
  it("gives the shared-device rows that exist before it their share's enterprise", async () => {
    const server = await startTestServer();
    try {
      const world = new World(server);
      const team = await world.team('Acme');
      const sent = await world.share(team, 'rita@example.com', [await world.device(team), await world.device(team)]);
      const { dataSource } = server.app.db;
      // Back to the schema before it (rows without the column), then forward again.
      const last = dataSource.migrations[dataSource.migrations.length - 1];
      expect(last.name).toMatch(/^SharedDeviceEnterprise/);
      await dataSource.undoLastMigration({ transaction: 'each' });
      await dataSource.runMigrations({ transaction: 'each' });
      const rows = await dataSource.manager.findBy(SharedDevice, { shareId: sent.shareId });
      expect(rows.map((row) => row.enterpriseId)).toEqual([team.enterpriseId, team.enterpriseId]);
    } finally {
      await server.close();
    }
  });
});
