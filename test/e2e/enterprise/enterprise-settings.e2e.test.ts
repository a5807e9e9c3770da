import {
  EnterprisesCanShareDevicesDocument,
  SetMemberRoleDocument,
  EnterprisesSettingsAuditLogDocument,
  EnterprisesSettingsDocument,
  EnterprisesShareDevicesDocument,
  EnterprisesUpdateSettingsDocument,
  type EnterprisesShareDevicesMutationVariables,
  type UpdateEnterpriseSettingsInput,
} from '../../support/graphql/documents.generated';
import { addMember } from '../../support/members';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World } from '../../support/world';

describe('enterprise settings (updateEnterpriseSettings)', () => {
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    server = await startTestServer();
    world = new World(server);
  });
  afterAll(() => server.close());

  /** An enterprise with an ADMIN, an OPERATOR and a VIEWER. */
  async function team() {
    const acme = await world.team('Acme', { operator: true, viewer: true });
    return { ...acme, operator: acme.operator!, viewer: acme.viewer! };
  }

  async function update(by: Session, input: UpdateEnterpriseSettingsInput) {
    return server.gql(
      EnterprisesUpdateSettingsDocument,
      { input },
      {
        token: by.token,
      },
    );
  }

  async function settingsOf(enterpriseId: string, reader: Session) {
    const response = await server.gql(EnterprisesSettingsDocument, { id: enterpriseId }, { token: reader.token });
    expect(errorCodes(response)).toEqual([]);
    return response.data!.enterprise.settings;
  }

  const shareInput = (deviceId: string, recipientEmail: string): EnterprisesShareDevicesMutationVariables => ({
    input: { deviceIds: [deviceId], recipientEmail, permissions: ['MONITOR'] },
  });

  it('an ADMIN changes the settings and every member reads them back; a setting left out keeps its value', async () => {
    const { enterpriseId, admin, viewer } = await team();
    expect(await settingsOf(enterpriseId, viewer)).toEqual({ operatorsCanShare: true, maxRecipientsPerDevice: null });

    const changed = await update(admin, { enterpriseId, operatorsCanShare: false, maxRecipientsPerDevice: 3 });
    expect(errorCodes(changed)).toEqual([]);
    expect(changed.data!.updateEnterpriseSettings).toEqual({
      id: enterpriseId,
      settings: { operatorsCanShare: false, maxRecipientsPerDevice: 3 },
    });
    expect(await settingsOf(enterpriseId, viewer)).toEqual({ operatorsCanShare: false, maxRecipientsPerDevice: 3 });

    // Without enterpriseId: the acting enterprise (the ADMIN's only one). Only the named setting changes.
    expect(errorCodes(await update(admin, { operatorsCanShare: true }))).toEqual([]);
    expect(await settingsOf(enterpriseId, viewer)).toEqual({ operatorsCanShare: true, maxRecipientsPerDevice: 3 });

    // null takes the recipient limit back to the server's default.
    expect(errorCodes(await update(admin, { enterpriseId, maxRecipientsPerDevice: null }))).toEqual([]);
    expect(await settingsOf(enterpriseId, viewer)).toEqual({ operatorsCanShare: true, maxRecipientsPerDevice: null });
  });

  it('only an ADMIN changes the settings: an OPERATOR or a VIEWER gets FORBIDDEN, a non-member NOT_FOUND', async () => {
    const { enterpriseId, admin, operator, viewer } = await team();
    const stranger = await server.signUp('Stranger');
    for (const [who, code] of [
      [operator, 'FORBIDDEN'],
      [viewer, 'FORBIDDEN'],
      [stranger, 'NOT_FOUND'],
    ] as const) {
      const response = await update(who, { enterpriseId, operatorsCanShare: false, maxRecipientsPerDevice: 1 });
      expect(errorCodes(response)).toEqual([code]);
      expect(response.data).toBeNull();
    }
    // A demoted ADMIN is refused too: the role is read again inside the change.
    const demoted = await server.signUp('Demoted');
    await addMember(server, admin, enterpriseId, demoted, 'ADMIN');
    await server.gql(
      SetMemberRoleDocument,
      { input: { enterpriseId, accountId: demoted.account.id, role: 'VIEWER' } },
      { token: admin.token },
    );
    expect(errorCodes(await update(demoted, { enterpriseId, operatorsCanShare: false }))).toEqual(['FORBIDDEN']);
    expect(await settingsOf(enterpriseId, admin)).toEqual({ operatorsCanShare: true, maxRecipientsPerDevice: null });
  });

  it('maxRecipientsPerDevice is an integer from 1 to 100; anything else answers BAD_USER_INPUT and changes nothing', async () => {
    const { enterpriseId, admin } = await team();
    for (const [value, message] of [
      [0, 'maxRecipientsPerDevice is at least 1'],
      [-5, 'maxRecipientsPerDevice is at least 1'],
      [101, 'maxRecipientsPerDevice is at most 100'],
    ] as const) {
      const response = await update(admin, { enterpriseId, maxRecipientsPerDevice: value });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0].message).toContain(message);
    }
    // Not an integer: GraphQL's Int refuses it before the resolver.
    const fraction = await update(admin, { enterpriseId, maxRecipientsPerDevice: 2.5 });
    expect(fraction.errors).toHaveLength(1);
    // Nothing to change, or a null operatorsCanShare, is a mistake too.
    const empty = await update(admin, { enterpriseId });
    expect(errorCodes(empty)).toEqual(['BAD_USER_INPUT']);
    expect(empty.errors![0].message).toBe('Name at least one setting to change');
    expect(errorCodes(await update(admin, { enterpriseId, operatorsCanShare: null }))).toEqual(['BAD_USER_INPUT']);
    expect(await settingsOf(enterpriseId, admin)).toEqual({ operatorsCanShare: true, maxRecipientsPerDevice: null });
    for (const limit of [1, 100]) {
      expect(errorCodes(await update(admin, { enterpriseId, maxRecipientsPerDevice: limit }))).toEqual([]);
    }
  });

  it('rule 1: an OPERATOR may share only while operatorsCanShare is true, from the next shareDevices on', async () => {
    const acme = await team();
    const { enterpriseId, admin, operator } = acme;
    const deviceId = await world.device(acme);
    const asOperator = { token: operator.token, enterpriseId };

    expect(errorCodes(await update(admin, { enterpriseId, operatorsCanShare: false }))).toEqual([]);
    expect(
      errorCodes(
        await server.gql(EnterprisesShareDevicesDocument, shareInput(deviceId, 'first@example.com'), asOperator),
      ),
    ).toEqual(['FORBIDDEN']);
    const check = await server.gql(
      EnterprisesCanShareDevicesDocument,
      shareInput(deviceId, 'first@example.com'),
      asOperator,
    );
    expect(check.data!.canShareDevices).toEqual({ canShare: false, devices: [{ code: 'FORBIDDEN' }] });
    // ADMINs always may.
    expect(
      errorCodes(
        await server.gql(EnterprisesShareDevicesDocument, shareInput(deviceId, 'by-admin@example.com'), {
          token: admin.token,
        }),
      ),
    ).toEqual([]);

    expect(errorCodes(await update(admin, { enterpriseId, operatorsCanShare: true }))).toEqual([]);
    expect(
      errorCodes(
        await server.gql(EnterprisesShareDevicesDocument, shareInput(deviceId, 'first@example.com'), asOperator),
      ),
    ).toEqual([]);
  });

  it('rule 5: after an ADMIN lowers maxRecipientsPerDevice to 1, a second recipient gets SHARE_LIMIT_REACHED', async () => {
    const acme = await team();
    const { enterpriseId, admin } = acme;
    const deviceId = await world.device(acme);
    const asAdmin = { token: admin.token, enterpriseId };
    expect(
      errorCodes(await server.gql(EnterprisesShareDevicesDocument, shareInput(deviceId, 'one@example.com'), asAdmin)),
    ).toEqual([]);

    expect(errorCodes(await update(admin, { enterpriseId, maxRecipientsPerDevice: 1 }))).toEqual([]);
    expect(
      errorCodes(await server.gql(EnterprisesShareDevicesDocument, shareInput(deviceId, 'two@example.com'), asAdmin)),
    ).toEqual(['SHARE_LIMIT_REACHED']);
    // The recipient it already has is not a new one.
    expect(
      errorCodes(await server.gql(EnterprisesShareDevicesDocument, shareInput(deviceId, 'one@example.com'), asAdmin)),
    ).toEqual([]);

    // Back to the server's default (5 in the tests): a second recipient is welcome again.
    expect(errorCodes(await update(admin, { enterpriseId, maxRecipientsPerDevice: null }))).toEqual([]);
    expect(
      errorCodes(await server.gql(EnterprisesShareDevicesDocument, shareInput(deviceId, 'two@example.com'), asAdmin)),
    ).toEqual([]);
  });

  it('every settings change is in the event log with the old and new values; a change that changes nothing leaves none', async () => {
    const { enterpriseId, admin } = await team();
    await update(admin, { enterpriseId, operatorsCanShare: false, maxRecipientsPerDevice: 2 });
    await update(admin, { enterpriseId, operatorsCanShare: false, maxRecipientsPerDevice: 4 });
    await update(admin, { enterpriseId, operatorsCanShare: false, maxRecipientsPerDevice: 4 });
    const log = await server.gql(EnterprisesSettingsAuditLogDocument, { id: enterpriseId }, { token: admin.token });
    const about = { targetType: 'Enterprise', targetId: enterpriseId, actor: { id: admin.account.id } };
    expect(
      log.data!.auditLog.edges.map((edge) => edge.node).filter((node) => node.action === 'enterprise.settings_changed'),
    ).toEqual([
      {
        ...about,
        action: 'enterprise.settings_changed',
        details: { from: { maxRecipientsPerDevice: 2 }, to: { maxRecipientsPerDevice: 4 } },
      },
      {
        ...about,
        action: 'enterprise.settings_changed',
        details: {
          from: { operatorsCanShare: true, maxRecipientsPerDevice: null },
          to: { operatorsCanShare: false, maxRecipientsPerDevice: 2 },
        },
      },
    ]);
  });
});
