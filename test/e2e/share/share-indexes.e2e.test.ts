import { onPostgres } from '../../support/test-database';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * The scheduler's and the dashboards' lookups must not scan whole tables: each starts from an
 * index. SQLite's EXPLAIN QUERY PLAN says so without needing data; PostgreSQL chooses plans by
 * statistics, so this check runs on SQLite.
 */
const describeOnSqlite = onPostgres() ? describe.skip : describe;

describeOnSqlite('share and device lookups', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const plan = async (sql: string): Promise<string> =>
    (await server.app.db.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`))
      .map((row: { detail: string }) => row.detail)
      .join('\n');

  it.each([
    [
      'expiry',
      `SELECT id FROM share WHERE status IN ('PENDING', 'ACTIVE') AND "expiresAt" IS NOT NULL AND "expiresAt" <= '2026-11-24' ORDER BY "expiresAt" LIMIT 100`,
    ],
    [
      'invitation deadline',
      `SELECT id FROM share WHERE status = 'PENDING' AND "invitationExpiresAt" <= '2026-11-24' ORDER BY "invitationExpiresAt" LIMIT 100`,
    ],
    ['sharedByMe', `SELECT id FROM share WHERE "sharerId" = 'x' AND id < 'y' ORDER BY id DESC LIMIT 51`],
    [
      'sharedWithMe',
      `SELECT id FROM share WHERE ("recipientId" = 'x' OR ("recipientId" IS NULL AND "recipientEmail" = 'e')) ORDER BY id DESC LIMIT 51`,
    ],
    [
      'shareGraph',
      `SELECT edge.id FROM shared_device edge WHERE edge."enterpriseId" = 'x' AND edge.id < 'y' ORDER BY edge.id DESC LIMIT 501`,
    ],
    [
      'shareRecipients',
      `SELECT "recipientEmail", COUNT(*) FROM share WHERE "sharerId" = 'x' GROUP BY "recipientEmail" LIMIT 51`,
    ],
    ['devices of an enterprise', `SELECT id FROM device WHERE "enterpriseId" = 'x' AND id > 'y' ORDER BY id LIMIT 51`],
    [
      'live shares of a device',
      `SELECT "shareId" FROM shared_device WHERE "deviceId" = 'x' AND status IN ('PENDING', 'ACTIVE')`,
    ],
  ])('the %s lookup uses an index, never a scan of the table', async (_name, sql) => {
    const detail = await plan(sql);
    expect(detail).toMatch(/USING (COVERING )?INDEX/);
    expect(detail).not.toMatch(/^SCAN (share|shared_device|device|edge)\b/m);
  });

  it('a shareGraph page is one keyset scan of the (enterpriseId, id) index: no join, no sort of the enterprise’s edges', async () => {
    const detail = await plan(
      `SELECT edge.* FROM shared_device edge WHERE edge."enterpriseId" = 'x' AND edge.status IN ('ACTIVE') AND edge.id < 'y' ORDER BY edge.id DESC LIMIT 501`,
    );
    expect(detail).toMatch(/USING INDEX IDX_dad96916c87eba05099dc359ac/);
    expect(detail).not.toMatch(/TEMP B-TREE|share/);
  });
});
