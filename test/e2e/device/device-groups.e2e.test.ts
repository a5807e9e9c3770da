import { randomUUID } from 'node:crypto';
import { InventoryCreateDeviceGroupDocument, InventoryGroupsDocument } from '../../support/graphql/documents.generated';
import { errorCodes, type Session, type TestServer } from '../../support/test-server';
import { useInventory, type Team } from './inventory';

describe('device groups', () => {
  const inventory = useInventory();
  const { createGroup, groupsOf } = inventory;
  let server: TestServer;
  let team: Team;
  let rival: { enterpriseId: string; admin: Session };
  beforeAll(() => ({ server, team, rival } = inventory));

  describe('createDeviceGroup', () => {
    it('an ADMIN builds a tree: the new group answers its parent and children', async () => {
      const root = await server.gql(
        InventoryCreateDeviceGroupDocument,
        { input: { name: '  Building A  ' } },
        { token: team.admin.token },
      );
      expect(errorCodes(root)).toEqual([]);
      expect(root.data!.createDeviceGroup).toEqual({
        id: expect.any(String),
        name: 'Building A',
        parent: null,
        children: { edges: [] },
      });
      const rootId = root.data!.createDeviceGroup.id;
      const child = await server.gql(
        InventoryCreateDeviceGroupDocument,
        { input: { name: 'Floor 1', parentId: rootId } },
        { token: team.admin.token },
      );
      expect(errorCodes(child)).toEqual([]);
      expect(child.data!.createDeviceGroup).toEqual({
        id: expect.any(String),
        name: 'Floor 1',
        parent: { id: rootId, name: 'Building A' },
        children: { edges: [] },
      });
    });

    it('Enterprise.groups lists the whole tree, parents before children, with DeviceGroup.parent and children', async () => {
      const site = await createGroup(team.admin, 'Site North');
      const hall = await createGroup(team.admin, 'Hall', site);
      const annex = await createGroup(team.admin, 'Annex', site);
      const rack = await createGroup(team.admin, 'Rack 7', hall);
      for (const member of [team.admin, team.operator, team.viewer]) {
        const groups = await groupsOf(member, team.enterpriseId);
        const byId = new Map(groups.map((group) => [group.id, group]));
        expect(byId.get(site)).toEqual({
          id: site,
          name: 'Site North',
          parent: null,
          children: {
            edges: [{ node: { id: hall, name: 'Hall' } }, { node: { id: annex, name: 'Annex' } }],
          },
        });
        expect(byId.get(hall)).toEqual({
          id: hall,
          name: 'Hall',
          parent: { id: site },
          children: { edges: [{ node: { id: rack, name: 'Rack 7' } }] },
        });
        expect(byId.get(annex)).toEqual({ id: annex, name: 'Annex', parent: { id: site }, children: { edges: [] } });
        expect(byId.get(rack)).toEqual({ id: rack, name: 'Rack 7', parent: { id: hall }, children: { edges: [] } });
        const position = (id: string) => groups.findIndex((group) => group.id === id);
        for (const group of groups) {
          if (group.parent) expect(position(group.parent.id)).toBeLessThan(position(group.id));
        }
      }
    });

    it("another enterprise's groups are not in its Enterprise.groups, and its enterprise answers NOT_FOUND", async () => {
      const mine = await createGroup(team.admin, 'Ours only');
      const theirs = await createGroup(rival.admin, 'Theirs only');
      expect((await groupsOf(team.admin, team.enterpriseId)).map((group) => group.id)).not.toContain(theirs);
      const rivalGroups = (await groupsOf(rival.admin, rival.enterpriseId)).map((group) => group.id);
      expect(rivalGroups).toContain(theirs);
      expect(rivalGroups).not.toContain(mine);
      const foreign = await server.gql(
        InventoryGroupsDocument,
        { id: team.enterpriseId },
        { token: rival.admin.token },
      );
      expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(foreign)).not.toContain(mine);
    });

    it('a sibling with the same name, whatever its case and surrounding blanks, answers CONFLICT', async () => {
      const parent = await createGroup(team.admin, 'Duplicates');
      await createGroup(team.admin, 'Same', parent);
      for (const name of ['Same', 'SAME', '  same  ']) {
        const again = await server.gql(
          InventoryCreateDeviceGroupDocument,
          { input: { name, parentId: parent } },
          { token: team.admin.token },
        );
        expect(errorCodes(again)).toEqual(['CONFLICT']);
      }
      const topLevel = await server.gql(
        InventoryCreateDeviceGroupDocument,
        { input: { name: 'duplicates' } },
        { token: team.admin.token },
      );
      expect(errorCodes(topLevel)).toEqual(['CONFLICT']);
      const children = (await groupsOf(team.admin, team.enterpriseId)).filter((group) => group.parent?.id === parent);
      expect(children.map((group) => group.name)).toEqual(['Same']);
    });

    it('the same name is fine under another parent, and in another enterprise', async () => {
      const left = await createGroup(team.admin, 'Left wing');
      const right = await createGroup(team.admin, 'Right wing');
      await createGroup(team.admin, 'Storage', left);
      await createGroup(team.admin, 'Storage', right);
      await createGroup(team.admin, 'Storage');
      await createGroup(rival.admin, 'Left wing');
    });

    it('concurrent creations of one sibling name create exactly one group', async () => {
      const parent = await createGroup(team.admin, 'Race parent');
      const attempts = await Promise.all(
        Array.from({ length: 6 }, () =>
          server.gql(
            InventoryCreateDeviceGroupDocument,
            { input: { name: 'Race', parentId: parent } },
            { token: team.admin.token },
          ),
        ),
      );
      const codes = attempts.map((attempt) => errorCodes(attempt)[0] ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
      const children = (await groupsOf(team.admin, team.enterpriseId)).filter((group) => group.parent?.id === parent);
      expect(children.map((group) => group.name)).toEqual(['Race']);
    });

    it('a parent from another enterprise answers NOT_FOUND, exactly like a parent that does not exist', async () => {
      const foreign = await createGroup(rival.admin, 'Rival parent');
      const intoForeign = await server.gql(
        InventoryCreateDeviceGroupDocument,
        { input: { name: 'Sneaky', parentId: foreign } },
        { token: team.admin.token },
      );
      const intoMissing = await server.gql(
        InventoryCreateDeviceGroupDocument,
        { input: { name: 'Sneaky', parentId: randomUUID() } },
        { token: team.admin.token },
      );
      expect(errorCodes(intoForeign)).toEqual(['NOT_FOUND']);
      expect(intoForeign.errors).toEqual(intoMissing.errors);
      const rivalGroups = await groupsOf(rival.admin, rival.enterpriseId);
      expect(rivalGroups.find((group) => group.id === foreign)!.children.edges).toEqual([]);
      expect((await groupsOf(team.admin, team.enterpriseId)).map((group) => group.name)).not.toContain('Sneaky');
    });

    it('groups nest at most 16 levels deep: a 17th level answers BAD_USER_INPUT', async () => {
      let parentId: string | undefined;
      for (let level = 1; level <= 16; level++) parentId = await createGroup(team.admin, `Level ${level}`, parentId);
      const tooDeep = await server.gql(
        InventoryCreateDeviceGroupDocument,
        { input: { name: 'Level 17', parentId } },
        { token: team.admin.token },
      );
      expect(errorCodes(tooDeep)).toEqual(['BAD_USER_INPUT']);
    });

    it('a blank or over-long group name answers BAD_USER_INPUT', async () => {
      for (const name of ['', '   ', 'G'.repeat(101)]) {
        const response = await server.gql(
          InventoryCreateDeviceGroupDocument,
          { input: { name } },
          { token: team.admin.token },
        );
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('only ADMINs create groups: OPERATOR and VIEWER get FORBIDDEN and nothing is created', async () => {
      const parent = await createGroup(team.admin, 'Admins only');
      for (const member of [team.operator, team.viewer]) {
        for (const input of [{ name: `By ${member.account.name}` }, { name: 'Child', parentId: parent }]) {
          const response = await server.gql(InventoryCreateDeviceGroupDocument, { input }, { token: member.token });
          expect(errorCodes(response)).toEqual(['FORBIDDEN']);
          expect(response.data).toBeNull();
        }
      }
      const names = (await groupsOf(team.admin, team.enterpriseId)).map((group) => group.name);
      expect(names).not.toContain(`By ${team.operator.account.name}`);
      expect(names).not.toContain(`By ${team.viewer.account.name}`);
      expect(names).not.toContain('Child');
    });
  });
});
