import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AcceptShareDocument,
  CreateEnterpriseDocument,
  RegisterDeviceDocument,
  ShareDevicesDocument,
  type DataCenter,
  type DevicePlan,
  type Permission,
} from './graphql/documents.generated';
import { addMember } from './members';
import { errorCodes, type RequestOptions, type Session, type TestServer } from './test-server';

/** A person with an enterprise of their own (and the role they hold in it). */
export interface Member extends Session {
  enterpriseId: string;
}

/** An enterprise and its people: an ADMIN who created it, and the members the test asked for. */
export interface Team {
  enterpriseId: string;
  admin: Member;
  operator?: Member;
  viewer?: Member;
}

/** What `shareDevices` answers: the share, its link and code. */
export interface Invitation {
  shareId: string;
  shareLink: string;
  confirmationCode: string;
}

let serials = 0;

/**
 * The shared world of the e2e tests: teams, devices, shares and acceptances made through the real
 * API, the way a client makes them. Each step fails the test at once, with the server's errors,
 * when the API refuses it: a test asserts only what it is about.
 */
export class World {
  constructor(readonly server: TestServer) {}

  /** Runs an operation that must succeed (a typed document, or a query text), and answers its data. */
  async ok<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    options: RequestOptions,
  ): Promise<T>;
  async ok<T>(query: string, variables: Record<string, unknown>, options: RequestOptions): Promise<T>;
  async ok<T>(
    document: string | TypedDocumentNode<T, Record<string, unknown>>,
    variables: Record<string, unknown>,
    options: RequestOptions,
  ): Promise<T> {
    const response =
      typeof document === 'string'
        ? await this.server.gql<T>(document, variables, options)
        : await this.server.gql(document, variables, options);
    if (errorCodes(response).length || !response.data) {
      const name = typeof document === 'string' ? document.slice(0, 80) : operationName(document);
      throw new Error(`${name}… failed: ${JSON.stringify(response.errors)}`);
    }
    return response.data;
  }

  /** A new enterprise of `owner` (in `dataCenter`, EU by default); answers its id. */
  async enterprise(owner: Session, name = 'Enterprise', dataCenter: DataCenter = 'EU'): Promise<string> {
    const data = await this.ok(CreateEnterpriseDocument, { input: { name, dataCenter } }, { token: owner.token });
    return data.createEnterprise.id;
  }

  /** A person who signed up (e-mail verified) and made an enterprise of their own. */
  async person(name = 'Person', dataCenter: DataCenter = 'EU'): Promise<Member> {
    const session = await this.server.signUp(name);
    return { ...session, enterpriseId: await this.enterprise(session, `${name}'s`, dataCenter) };
  }

  /** An enterprise with its ADMIN, and an OPERATOR and a VIEWER when asked for. */
  async team(
    name = 'Team',
    {
      dataCenter = 'EU',
      operator = false,
      viewer = false,
    }: { dataCenter?: DataCenter; operator?: boolean; viewer?: boolean } = {},
  ): Promise<Team> {
    const admin = await this.person(`${name} admin`, dataCenter);
    const team: Team = { enterpriseId: admin.enterpriseId, admin };
    for (const [role, wanted] of [
      ['OPERATOR', operator],
      ['VIEWER', viewer],
    ] as const) {
      if (!wanted) continue;
      const member = await this.server.signUp(`${name} ${role.toLowerCase()}`);
      await addMember(this.server, admin, admin.enterpriseId, member, role);
      team[role === 'OPERATOR' ? 'operator' : 'viewer'] = { ...member, enterpriseId: admin.enterpriseId };
    }
    return team;
  }

  /** A device registered by the team's ADMIN; answers its id. */
  async device(
    team: Team,
    {
      plan = 'STANDARD',
      name = 'Pump',
      model = 'P-1',
      isDemo = false,
    }: { plan?: DevicePlan; name?: string; model?: string; isDemo?: boolean } = {},
  ): Promise<string> {
    const data = await this.ok(
      RegisterDeviceDocument,
      { input: { serialNumber: `WORLD-${process.pid}-${++serials}`, name, model, plan, isDemo } },
      { token: team.admin.token, enterpriseId: team.enterpriseId },
    );
    return data.registerDevice.id;
  }

  /** `devices` shared by the team's ADMIN (or `by`) with `to` (a person or an e-mail). */
  async share(
    team: Team,
    to: Session | string,
    devices: string[],
    {
      permissions = ['MONITOR'],
      expiresAt,
      by = team.admin,
    }: { permissions?: Permission[]; expiresAt?: string; by?: Session } = {},
  ): Promise<Invitation> {
    const recipientEmail = typeof to === 'string' ? to : to.account.email;
    const data = await this.ok(
      ShareDevicesDocument,
      { input: { deviceIds: devices, recipientEmail, permissions, expiresAt } },
      { token: by.token, enterpriseId: team.enterpriseId },
    );
    const { share, shareLink, confirmationCode } = data.shareDevices;
    return { shareId: share.id, shareLink, confirmationCode };
  }

  /** `recipient` accepts with the link, into `into` (its own enterprise by default). */
  async accept(recipient: Member, invitation: Invitation, into = recipient.enterpriseId): Promise<void> {
    const token = new URL(invitation.shareLink).searchParams.get('token');
    await this.ok(AcceptShareDocument, { input: { token, enterpriseId: into } }, { token: recipient.token });
  }
}

const operationName = (document: TypedDocumentNode<unknown, never>) =>
  document.definitions.map((definition) => ('name' in definition ? definition.name?.value : undefined)).join(' ');
