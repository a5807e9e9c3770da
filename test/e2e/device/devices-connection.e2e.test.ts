import { randomUUID } from 'node:crypto';
import { InventoryDeleteDeviceDocument, InventoryDevicesDocument } from '../../support/graphql/documents.generated';
import { errorCodes, type Session, type TestServer } from '../../support/test-server';
import { ids, useInventory, type Team } from './inventory';

describe('the devices connection', () => {
  const inventory = useInventory();
  const { makeTeam, register, createGroup, listDevices } = inventory;
  let server: TestServer;
  let rival: { enterpriseId: string; admin: Session };
  beforeAll(() => ({ server, rival } = inventory));

  describe('devices connection', () => {
    /** An enterprise of its own, so that the test knows every device in it. */
    let fleet: Team;
    beforeAll(async () => {
      fleet = await makeTeam('Fleet');
    });

    it('lists the acting enterprise by default, in registration order, for every role', async () => {
      const registered: string[] = [];
      for (let i = 0; i < 4; i++) registered.push((await register(fleet.admin)).id);
      for (const member of [fleet.admin, fleet.operator, fleet.viewer]) {
        expect(ids(await listDevices(member))).toEqual(registered);
        expect(ids(await listDevices(member, { enterpriseId: fleet.enterpriseId }))).toEqual(registered);
      }
      const page = await listDevices(fleet.viewer);
      expect(page.pageInfo).toEqual({
        hasNextPage: false,
        hasPreviousPage: false,
        startCursor: page.edges[0].cursor,
        endCursor: page.edges.at(-1)!.cursor,
      });
    });

    it('pages with first/after visit every device once, in registration order, even when devices are registered between pages', async () => {
      const registered = ids(await listDevices(fleet.admin, { first: 500 }));
      for (let i = 0; i < 7; i++) registered.push((await register(fleet.admin)).id);
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page = await listDevices(fleet.viewer, { first: 3, after });
        pages++;
        expect(page.edges.length).toBeLessThanOrEqual(3);
        expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
        expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
        seen.push(...ids(page));
        // Registered while the client is paging: here and in another enterprise.
        if (pages <= 3) {
          registered.push((await register(fleet.admin)).id);
          await register(rival.admin);
        }
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
        expect(pages).toBeLessThan(20);
      }
      expect(seen).toEqual(registered);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('a device deleted between pages does not make the next page skip or repeat any device', async () => {
      const before = ids(await listDevices(fleet.admin, { first: 500 }));
      const first = await listDevices(fleet.viewer, { first: 2 });
      expect(ids(first)).toEqual(before.slice(0, 2));
      const lastSeen = first.edges[1].node.id;
      expect(
        errorCodes(
          await server.gql(InventoryDeleteDeviceDocument, { deviceId: lastSeen }, { token: fleet.admin.token }),
        ),
      ).toEqual([]);
      const rest = await listDevices(fleet.viewer, { first: 500, after: first.pageInfo.endCursor });
      expect(ids(rest)).toEqual(before.slice(2));
    });

    it('groupId lists the devices of that group only; includeSubgroups adds its whole subtree', async () => {
      const site = await createGroup(fleet.admin, 'Site');
      const room = await createGroup(fleet.admin, 'Room', site);
      const rack = await createGroup(fleet.admin, 'Rack', room);
      const shelf = await createGroup(fleet.admin, 'Shelf', rack);
      const closet = await createGroup(fleet.admin, 'Closet', site);
      const elsewhere = await createGroup(fleet.admin, 'Elsewhere');
      const inRack = await register(fleet.admin, { groupId: rack });
      const inSite = await register(fleet.admin, { groupId: site });
      const inElsewhere = await register(fleet.admin, { groupId: elsewhere });
      const inShelf = await register(fleet.admin, { groupId: shelf });
      const inCloset = await register(fleet.admin, { groupId: closet });
      await register(fleet.admin);
      const inRoom = await register(fleet.admin, { groupId: room });

      expect(ids(await listDevices(fleet.viewer, { groupId: site }))).toEqual([inSite.id]);
      expect(ids(await listDevices(fleet.viewer, { groupId: site, includeSubgroups: false }))).toEqual([inSite.id]);
      expect(ids(await listDevices(fleet.viewer, { groupId: site, includeSubgroups: true }))).toEqual(
        [inRack, inSite, inShelf, inCloset, inRoom].map((device) => device.id),
      );
      expect(ids(await listDevices(fleet.viewer, { groupId: room, includeSubgroups: true }))).toEqual(
        [inRack, inShelf, inRoom].map((device) => device.id),
      );
      expect(ids(await listDevices(fleet.viewer, { groupId: shelf, includeSubgroups: true }))).toEqual([inShelf.id]);
      expect(ids(await listDevices(fleet.viewer, { groupId: elsewhere, includeSubgroups: true }))).toEqual([
        inElsewhere.id,
      ]);

      // A filtered list pages like the whole one.
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await listDevices(fleet.viewer, { groupId: site, includeSubgroups: true, first: 2, after });
        seen.push(...ids(page));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual([inRack, inSite, inShelf, inCloset, inRoom].map((device) => device.id));
    });

    it("another enterprise's enterpriseId answers NOT_FOUND, exactly like one that does not exist", async () => {
      await register(rival.admin);
      for (const member of [fleet.admin, fleet.operator, fleet.viewer]) {
        const foreign = await server.gql(
          InventoryDevicesDocument,
          { enterpriseId: rival.enterpriseId },
          { token: member.token },
        );
        const missing = await server.gql(
          InventoryDevicesDocument,
          { enterpriseId: randomUUID() },
          { token: member.token },
        );
        expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
        expect(foreign.data).toBeNull();
        expect(foreign.errors).toEqual(missing.errors);
      }
    });

    it('a groupId of another enterprise answers NOT_FOUND, exactly like one that does not exist', async () => {
      const foreign = await createGroup(rival.admin, 'Hidden rival group');
      await register(rival.admin, { groupId: foreign });
      for (const includeSubgroups of [false, true]) {
        const intoForeign = await server.gql(
          InventoryDevicesDocument,
          { groupId: foreign, includeSubgroups },
          { token: fleet.admin.token },
        );
        const intoMissing = await server.gql(
          InventoryDevicesDocument,
          { groupId: randomUUID(), includeSubgroups },
          { token: fleet.admin.token },
        );
        expect(errorCodes(intoForeign)).toEqual(['NOT_FOUND']);
        expect(intoForeign.errors).toEqual(intoMissing.errors);
      }
    });

    it('first above 500 (or below 0) answers BAD_USER_INPUT; 500 is fine', async () => {
      for (const first of [501, 10_000, -1]) {
        const response = await server.gql(InventoryDevicesDocument, { first }, { token: fleet.admin.token });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
      await listDevices(fleet.admin, { first: 500 });
    });

    it('an after that is not a cursor of this list answers BAD_USER_INPUT', async () => {
      for (const after of [
        'garbage',
        Buffer.from('id:1').toString('base64url'),
        Buffer.from(`share:${randomUUID()}`).toString('base64url'),
        randomUUID(),
      ]) {
        const response = await server.gql(InventoryDevicesDocument, { after }, { token: fleet.admin.token });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
    });
  });
});
