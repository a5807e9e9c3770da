import { randomUUID } from 'node:crypto';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';
import type { AccessRule, Actor } from '../../../src/common/access';
import { Role } from '../../../src/common/roles';
import { Device } from '../../../src/modules/device/device.entity';
import { devicesAccess, seeDevice } from '../../../src/modules/share/device-reach';
import { SharedDeviceStatus, ShareStatus } from '../../../src/modules/share/share-lifecycle';
import { Share, SharedDevice } from '../../../src/modules/share/share.entity';
import {
  manageShare,
  receiveDevice,
  receiveShare,
  seeShare,
  type ShareAlias,
  type ShareFacts,
} from '../../../src/modules/share/share.policy';
import { insertShares } from '../../support/bulk-shares';
import { startTestServer, type TestServer } from '../../support/test-server';
import { World, type Team } from '../../support/world';

const SEED = Number(process.env.ACCESS_SEED ?? Date.now() % 2 ** 31);
const ACTORS = 300;

/**
 * Every access rule exists twice, as a predicate over loaded rows and as a SQL scope. Here both
 * judge the same shares (every status, pending and accepted, into several enterprises) for
 * generated viewers (roles in several enterprises, sharers, recipients acting in the receiving
 * enterprise and elsewhere, strangers, unproven e-mails): they must agree on every row.
 */
describe(`access rules: the predicate and the SQL scope select the same rows (seed ${SEED})`, () => {
  let server: TestServer;
  const enterprises: string[] = [];
  const accounts: string[] = [];
  const emails = ['r@example.com', 'other@example.com', 'sharer0@example.com'];
  const devices: string[] = [];
  let shares: Share[];
  let sharedDevices: SharedDevice[];

  beforeAll(async () => {
    server = await startTestServer();
    const world = new World(server);
    // Nothing may change the rows while both forms judge them.
    await server.app.services.expiry.stop();
    // Two sharing enterprises with a real sharer each (signed up with the e-mail the viewers prove);
    // two more that only receive.
    for (let i = 0; i < 2; i++) {
      const sharer = await server.signUp(`Sharer ${i}`, `sharer${i}@example.com`);
      const enterpriseId = await world.enterprise(sharer, `Sharing ${i}`);
      const team: Team = { enterpriseId, admin: { ...sharer, enterpriseId } };
      enterprises.push(enterpriseId);
      accounts.push(sharer.account.id);
      for (let d = 0; d < 3; d++) devices.push(await world.device(team, { name: 'D', model: 'M' }));
    }
    enterprises.push(randomUUID(), randomUUID());
    accounts.push(randomUUID(), randomUUID(), randomUUID());
    // Every status × pending (two e-mails) or accepted (two recipients × two receiving enterprises).
    const recipients: Partial<Share>[] = [
      ...emails
        .slice(0, 2)
        .map((recipientEmail) => ({ recipientEmail, recipientId: null, receivingEnterpriseId: null })),
      ...[accounts[2], accounts[3]].flatMap((recipientId) =>
        [enterprises[2], enterprises[3]].map((receivingEnterpriseId) => ({
          recipientEmail: 'r@example.com',
          recipientId,
          receivingEnterpriseId,
        })),
      ),
    ];
    const shapes = [0, 1].flatMap((side) =>
      Object.values(ShareStatus).flatMap((status) => recipients.map((recipient) => ({ side, status, ...recipient }))),
    );
    for (const side of [0, 1]) {
      const ofSide = shapes.filter((shape) => shape.side === side);
      await insertShares(server, {
        sharer: { token: '', account: { id: accounts[side], email: emails[2], name: '' } },
        enterpriseId: enterprises[side],
        count: ofSide.length,
        recipientEmail: (i) => ofSide[i].recipientEmail!,
        shape: (i) => ({
          invitationExpiresAt: new Date(Date.now() + 24 * 3600 * 1000),
          status: ofSide[i].status,
          recipientId: ofSide[i].recipientId,
          receivingEnterpriseId: ofSide[i].receivingEnterpriseId,
        }),
      });
    }
    // Every share holds a device in every device status.
    const manager = server.app.db.dataSource.manager;
    const [first, ...others] = Object.values(SharedDeviceStatus);
    // … and the devices are the registered ones, each in many shares (of either enterprise).
    let next = 0;
    const someDevice = () => devices[next++ % devices.length];
    for (const row of await manager.find(SharedDevice)) {
      await manager.update(SharedDevice, row.id, { status: first, deviceId: someDevice() });
      await manager.insert(
        SharedDevice,
        others.map((status) => ({ ...row, id: randomUUID(), deviceId: someDevice(), status })),
      );
    }
    // What both forms judge: the rows as stored.
    shares = await manager.find(Share);
    sharedDevices = await manager.find(SharedDevice);
  });
  afterAll(() => server.close());

  function generatedActors(): Actor[] {
    let rng: RandomGenerator = xoroshiro128plus(SEED);
    const pick = <T>(items: readonly T[]): T => {
      const index = unsafeUniformIntDistribution(0, items.length - 1, rng);
      return items[index];
    };
    // Every kind of viewer at least once, whatever the seed draws after them.
    const actor = (accountId: string, roles: [string, Role][], actingEnterpriseId: string | null, email?: string) => ({
      accountId,
      verifiedEmail: email ?? null,
      roles: new Map(roles),
      actingEnterpriseId,
    });
    const [sharing, otherSharing, receiving, otherReceiving] = enterprises;
    const [sharer, , recipient] = accounts;
    const actors: Actor[] = [
      actor(sharer, [[sharing, Role.OPERATOR]], sharing, emails[2]),
      actor(accounts[3], [[sharing, Role.ADMIN]], sharing),
      actor(accounts[3], [[sharing, Role.VIEWER]], sharing),
      actor(
        recipient,
        [
          [receiving, Role.ADMIN],
          [otherReceiving, Role.ADMIN],
        ],
        receiving,
        emails[0],
      ),
      actor(
        recipient,
        [
          [receiving, Role.ADMIN],
          [otherReceiving, Role.ADMIN],
        ],
        otherReceiving,
        emails[0],
      ),
      actor(
        recipient,
        [
          [receiving, Role.ADMIN],
          [otherReceiving, Role.ADMIN],
        ],
        null,
        emails[0],
      ),
      actor(accounts[4], [[receiving, Role.ADMIN]], receiving, emails[1]),
      actor(accounts[4], [], null, emails[0]),
      actor(accounts[4], [[otherSharing, Role.ADMIN]], otherSharing),
    ];
    for (let i = actors.length; i < ACTORS; i++) {
      const roles = new Map<string, Role>();
      for (const enterpriseId of enterprises) {
        const role = pick([undefined, undefined, Role.ADMIN, Role.OPERATOR, Role.VIEWER]);
        if (role) roles.set(enterpriseId, role);
      }
      actors.push({
        accountId: pick(accounts),
        verifiedEmail: pick([null, ...emails]),
        roles,
        actingEnterpriseId: pick([null, ...enterprises]),
      });
    }
    rng = xoroshiro128plus(SEED + 1);
    return actors;
  }

  const describeActor = (actor: Actor) =>
    JSON.stringify({ ...actor, roles: Object.fromEntries(actor.roles) }, (_key, value: unknown) => value);

  /**
   * For every generated viewer, the ids the predicate allows are the ids the SQL scope selects;
   * answers how many were allowed in all.
   */
  async function bothFormsAgree(
    byPredicate: (actor: Actor) => string[],
    bySql: (actor: Actor) => SelectQueryBuilder<ObjectLiteral>,
  ): Promise<number> {
    let allowed = 0;
    for (const actor of generatedActors()) {
      const predicateIds = byPredicate(actor).sort();
      const sqlIds = (await bySql(actor).getRawMany<{ id: string }>()).map((row) => row.id).sort();
      expect({ actor: describeActor(actor), ids: sqlIds }).toEqual({ actor: describeActor(actor), ids: predicateIds });
      allowed += predicateIds.length;
    }
    return allowed;
  }

  const query = <T extends ObjectLiteral>(entity: new () => T, alias: string) =>
    server.app.db.manager.createQueryBuilder(entity, alias);

  it.each([
    ['manageShare', manageShare],
    ['receiveShare', receiveShare],
    ['seeShare', seeShare],
  ] as [string, AccessRule<ShareFacts, ShareAlias>][])('%s', async (_name, rule) => {
    const allowed = await bothFormsAgree(
      (actor) => shares.filter((share) => rule.allows(actor, share)).map((share) => share.id),
      (actor) => {
        const scope = rule.scope(actor, { share: 'share' });
        return query(Share, 'share').select('share.id', 'id').where(scope.where, scope.params);
      },
    );
    // The generated viewers do reach shares: the two forms agree on something, not only on nothing.
    expect(allowed).toBeGreaterThan(ACTORS);
  });

  it('seeDevice', async () => {
    const shareOf = new Map(shares.map((share) => [share.id, share]));
    const stored = await server.app.db.manager.find(Device);
    const inShares = (deviceId: string) =>
      sharedDevices
        .filter((sharedDevice) => sharedDevice.deviceId === deviceId)
        .map((sharedDevice) => ({ share: shareOf.get(sharedDevice.shareId)!, sharedDevice }));
    const allowed = await bothFormsAgree(
      (actor) =>
        stored.filter((device) => seeDevice.allows(actor, { device, inShares: inShares(device.id) })).map((d) => d.id),
      // The SQL form as the device module runs it (DeviceService.get): seeDevice's scope over its joins.
      (actor) => devicesAccess.scopeSeen(query(Device, 'device').select('DISTINCT device.id', 'id'), actor),
    );
    expect(allowed).toBeGreaterThan(0);
  });

  it('receiveDevice', async () => {
    const shareOf = new Map(shares.map((share) => [share.id, share]));
    const allowed = await bothFormsAgree(
      (actor) =>
        sharedDevices
          .filter((sharedDevice) =>
            receiveDevice.allows(actor, { share: shareOf.get(sharedDevice.shareId)!, sharedDevice }),
          )
          .map((sharedDevice) => sharedDevice.id),
      (actor) => {
        const scope = receiveDevice.scope(actor, { share: 'share', sharedDevice: 'sd' });
        return query(SharedDevice, 'sd')
          .innerJoin(Share, 'share', 'share.id = sd.shareId')
          .select('sd.id', 'id')
          .where(scope.where, scope.params);
      },
    );
    expect(allowed).toBeGreaterThan(0);
  });
});
