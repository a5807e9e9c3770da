import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '../../src/database/data-source';

describe('database files', () => {
  it('a SQLite database file, and its WAL, are readable by the server’s user alone (0600)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'devshare-files-')), 'data', 'devshare.sqlite');
    const dataSource = createDataSource({ databaseUrl: `sqlite:${file}` });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      for (const path of [file, `${file}-wal`]) expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    } finally {
      await dataSource.destroy();
    }
  });
});
