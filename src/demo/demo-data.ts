import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Role } from '../common/roles';
import type { ContextFactory, RequestContext } from '../context/request-context';
import type { Database } from '../database/database';
import { Account } from '../modules/account/account.entity';
import type { AccountService } from '../modules/account/account.service';
import type { EmailVerifications } from '../modules/account/email-verification';
import type { DeviceService } from '../modules/device/device.service';
import type { EnterpriseService } from '../modules/enterprise/enterprise.service';
import type { ShareCommands } from '../modules/share/share-commands';
import { DevicePlan } from '../modules/device/device-plan';
import { DataCenter } from '../modules/enterprise/data-center';
import { Permission } from '../modules/device/device-permissions';

export const DEMO_PASSWORD = 'devshare-demo';

const ACCOUNTS = [
  { email: 'alice@acme.example', name: 'Alice Admin' },
  { email: 'oscar@acme.example', name: 'Oscar Operator' },
  { email: 'vera@acme.example', name: 'Vera Viewer' },
  { email: 'gina@globex.example', name: 'Gina Globex' },
] as const;

/**
 * A small world to click through on the first start of an empty database: two enterprises in
 * different data centers, an ADMIN, an OPERATOR and a VIEWER, a group tree and a device of every
 * plan, including a demo device. It goes through the services, so it obeys every rule and
 * leaves an event log like real use would.
 */
/** The services the demo world is made through: the same paths as API requests. */
export interface DemoServices {
  contexts: ContextFactory;
  accounts: AccountService;
  verifications: EmailVerifications;
  enterprises: EnterpriseService;
  devices: DeviceService;
  shares: ShareCommands;
}

export async function seedDemoData(db: Database, services: DemoServices, log: Logger, nodeEnv: string): Promise<void> {
  if ((await db.manager.count(Account)) > 0) return;
  const session = async (email: string, name: string) => {
    const ctx = await services.contexts.create({ requestId: `demo-${randomUUID()}`, clientAddress: 'internal' });
    const { account } = await services.accounts.signUp(ctx, { email, name, password: DEMO_PASSWORD });
    // Verified as their owners would, with the token of the verification mail (never sent: it is marked obsolete).
    await services.accounts.verifyEmail(ctx, services.verifications.token(account)!);
    return ctx;
  };
  const [alice, oscar, vera, gina] = await Promise.all(ACCOUNTS.map(({ email, name }) => session(email, name)));

  const acme = await services.enterprises.create(alice, { name: 'Acme Facilities', dataCenter: DataCenter.EU });
  // Membership needs consent: Alice invites, and each of them accepts.
  for (const [member, role] of [
    [oscar, Role.OPERATOR],
    [vera, Role.VIEWER],
  ] as const) {
    const invitation = await services.enterprises.addMember(alice, {
      enterpriseId: acme.id,
      email: member.requireViewer().account.email,
      role,
    });
    await services.enterprises.acceptInvitation(member, invitation.id);
  }
  const headquarters = await services.devices.createGroup(alice, { name: 'Headquarters' });
  const serverRoom = await services.devices.createGroup(alice, { name: 'Server room', parentId: headquarters.id });
  await services.devices.createGroup(alice, { name: 'Lobby', parentId: headquarters.id });
  const warehouse = await services.devices.createGroup(alice, { name: 'Warehouse' });
  const register = (
    ctx: RequestContext,
    serialNumber: string,
    name: string,
    plan: DevicePlan,
    groupId?: string,
    isDemo = false,
  ) =>
    services.devices.register(ctx, {
      serialNumber,
      name,
      model: 'Smart-UPS 1500',
      plan,
      isDemo,
      groupId,
      firmwareVersion: '3.1.2',
    });
  const rackA = await register(alice, 'ACME-UPS-0001', 'Rack A UPS', DevicePlan.ADVANCED, serverRoom.id);
  const rackB = await register(alice, 'ACME-UPS-0002', 'Rack B UPS', DevicePlan.STANDARD, serverRoom.id);
  await register(alice, 'ACME-UPS-0003', 'Front desk UPS', DevicePlan.BASIC, headquarters.id);
  await register(alice, 'ACME-UPS-0004', 'Dock sensor hub', DevicePlan.STANDARD, warehouse.id);
  await register(alice, 'DEMO-UPS-0001', 'Demo UPS', DevicePlan.STANDARD, undefined, true);

  await services.enterprises.create(gina, { name: 'Globex Energy', dataCenter: DataCenter.US });
  await register(gina, 'GLBX-UPS-0001', 'Substation UPS', DevicePlan.ADVANCED);
  await register(gina, 'GLBX-UPS-0002', 'Control room UPS', DevicePlan.BASIC);

  // A pending share across data centers: Gina accepts it by creating an EU enterprise on the spot.
  const invitation = await services.shares.share(alice, {
    deviceIds: [rackA.id, rackB.id],
    recipientEmail: 'gina@globex.example',
    permissions: [Permission.MONITOR, Permission.CONTROL, Permission.REPORTS],
    expiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    description: 'Demo: Globex services the server room',
  });

  // Production logs hold no password and no confirmation code: there the password is the README's,
  // and Alice asks for a fresh code.
  const production = nodeEnv === 'production';
  log.info(
    `Demo data loaded. Log in with any of: ${ACCOUNTS.map((a) => a.email).join(', ')} ` +
      `(password ${production ? 'as in the README' : `"${DEMO_PASSWORD}"`}). ` +
      `Alice has shared two devices with Gina: accept as Gina with acceptShare(input: { shareId: "${invitation.share.id}", ` +
      `code: "${production ? '<code>' : invitation.confirmationCode}", newEnterprise: { name: "Globex EU" } })` +
      (production
        ? ` (codes are not logged in production: as Alice, resendShareInvitation(shareId: "${invitation.share.id}") answers a fresh one)`
        : ''),
  );
}
