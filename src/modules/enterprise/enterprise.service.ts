import type { SelectQueryBuilder } from 'typeorm';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/connection';
import { AppError, badInput, conflict, notFound } from '../../common/errors';
import { newId } from '../../common/ids';
import { Role } from '../../common/roles';
import type { Change, Changes } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import { insertNew, isUniqueViolation, type Database } from '../../database/database';
import { Account } from '../account/account.entity';
import { DEFAULT_ENTERPRISE_SETTINGS, Enterprise, type EnterpriseSettings } from './enterprise.entity';
import type {
  AddMemberInput,
  CreateEnterpriseInput,
  RemoveMemberInput,
  SetMemberRoleInput,
  UpdateEnterpriseSettingsInput,
} from './enterprise.inputs';
import { ADMINS, ALL_ROLES, requireCurrentRole, requireRole } from './enterprise.policy';
import {
  MEMBERSHIP_INVITATION_TTL_MS,
  MembershipInvitationAction,
  MembershipInvitationStatus,
  membershipInvitationStatus,
  membershipInvitationTransition,
} from './membership-invitation-lifecycle';
import { MembershipInvitation } from './membership-invitation.entity';
import { Membership } from './membership.entity';
import { enterpriseById } from './enterprise.loaders';

const ALREADY_MEMBER = 'This account is already a member';
const INVITATION = 'Membership invitation';
const LAST_ADMIN = 'An enterprise keeps at least one ADMIN: make another member ADMIN first';

/**
 * Enterprises, their members and the invitations to join them. An enterprise never loses its last
 * ADMIN, and nobody becomes a member without accepting an invitation (SPEC §5).
 */
export class EnterpriseService {
  constructor(
    private readonly db: Database,
    private readonly changes: Changes,
  ) {}

  /** An enterprise the viewer is a member of; NOT_FOUND for any other. */
  async get(ctx: RequestContext, id: string): Promise<Enterprise> {
    requireRole(ctx, id, ALL_ROLES, 'see this enterprise');
    return ctx.loaders.of(enterpriseById).load(id);
  }

  /** Creates an enterprise with the viewer as its first ADMIN. */
  async create(ctx: RequestContext, input: CreateEnterpriseInput): Promise<Enterprise> {
    const enterprise = await this.changes.run(ctx, (change) => this.createIn(change, input));
    await ctx.refreshViewer();
    return enterprise;
  }

  /**
   * Creates an enterprise inside the caller's transaction (e.g. while accepting a share); the
   * caller refreshes the viewer's roles after commit.
   */
  async createIn(change: Change, input: CreateEnterpriseInput): Promise<Enterprise> {
    const viewer = change.ctx.requireViewer();
    const now = change.now;
    const created = await insertNew(change.manager, Enterprise, {
      id: newId(),
      name: input.name.trim(),
      dataCenter: input.dataCenter,
      settings: DEFAULT_ENTERPRISE_SETTINGS,
      createdAt: now,
    });
    await insertNew(change.manager, Membership, {
      id: newId(),
      enterpriseId: created.id,
      accountId: viewer.account.id,
      role: Role.ADMIN,
      createdAt: now,
    });
    await change.audit({
      action: 'enterprise.created',
      enterpriseId: created.id,
      targetType: 'Enterprise',
      targetId: created.id,
      details: { name: created.name, dataCenter: created.dataCenter },
    });
    return created;
  }

  /**
   * An ADMIN changes the enterprise's settings; the next shareDevices is judged by them. Settings
   * left out keep their value; `maxRecipientsPerDevice: null` goes back to the server's default.
   * The enterprise row is locked while its settings are read and written, so that two ADMINs
   * changing different settings at once both keep their change. A change that changes nothing
   * writes nothing and leaves no event.
   */
  async updateSettings(ctx: RequestContext, input: UpdateEnterpriseSettingsInput): Promise<Enterprise> {
    const enterpriseId = input.enterpriseId ?? ctx.actingEnterpriseId();
    const changes: Partial<EnterpriseSettings> = {};
    if (input.operatorsCanShare === null)
      throw badInput('operatorsCanShare is true or false (leave it out to keep it)');
    if (input.operatorsCanShare !== undefined) changes.operatorsCanShare = input.operatorsCanShare;
    if (input.maxRecipientsPerDevice !== undefined) changes.maxRecipientsPerDevice = input.maxRecipientsPerDevice;
    if (!Object.keys(changes).length) throw badInput('Name at least one setting to change');
    return this.changes.run(ctx, async (change) => {
      await this.lockMembers(change, enterpriseId, ADMINS, 'change the settings');
      const enterprise = await change.manager.findOneByOrFail(Enterprise, { id: enterpriseId });
      const before = enterprise.settings;
      const changed = (Object.keys(changes) as (keyof EnterpriseSettings)[]).filter(
        (key) => (before[key] ?? null) !== (changes[key] ?? null),
      );
      if (!changed.length) return enterprise;
      const settings: EnterpriseSettings = { ...before, ...changes };
      await change.manager.update(Enterprise, enterpriseId, { settings });
      await change.audit({
        action: 'enterprise.settings_changed',
        enterpriseId,
        targetType: 'Enterprise',
        targetId: enterpriseId,
        details: {
          from: Object.fromEntries(changed.map((key) => [key, before[key] ?? null])),
          to: Object.fromEntries(changed.map((key) => [key, settings[key] ?? null])),
        },
      });
      return Object.assign(enterprise, { settings });
    });
  }

  /**
   * Invites `email` into an enterprise with a role (ADMIN): membership needs the invitee's
   * consent, so this only creates (or, for an e-mail already invited, refreshes) a PENDING
   * invitation. The answer is the same invitation whether or not an account holds the e-mail, so
   * it tells nobody which e-mails have accounts; an account that does is told by e-mail.
   */
  async addMember(ctx: RequestContext, input: AddMemberInput): Promise<MembershipInvitation> {
    const viewer = ctx.requireViewer();
    const enterpriseId = input.enterpriseId ?? ctx.actingEnterpriseId();
    const now = ctx.clock.now();
    return this.changes.run(ctx, async (change) => {
      await this.lockMembers(change, enterpriseId, ADMINS, 'invite members');
      if (input.email === viewer.account.email) throw badInput('You cannot invite yourself');
      // Not a leak: ADMINs see the e-mails of their members anyway.
      const isMember = await change.manager
        .createQueryBuilder(Membership, 'm')
        .innerJoin(Account, 'a', 'a.id = m.accountId')
        .where('m.enterpriseId = :enterpriseId AND a.email = :email', { enterpriseId, email: input.email })
        .getExists();
      if (isMember) throw conflict(ALREADY_MEMBER);
      const offer = {
        role: input.role,
        invitedById: viewer.account.id,
        expiresAt: new Date(now.getTime() + MEMBERSHIP_INVITATION_TTL_MS),
      };
      const pending = await change.manager.findOneBy(MembershipInvitation, {
        enterpriseId,
        email: input.email,
        status: MembershipInvitationStatus.PENDING,
      });
      let invitation: MembershipInvitation;
      if (pending) {
        allow(pending, MembershipInvitationAction.REFRESH, now);
        await change.manager.update(MembershipInvitation, pending.id, offer);
        invitation = Object.assign(pending, offer);
      } else {
        invitation = await insertNew(change.manager, MembershipInvitation, {
          id: newId(),
          enterpriseId,
          email: input.email,
          status: MembershipInvitationStatus.PENDING,
          createdAt: now,
          answeredAt: null,
          ...offer,
        });
      }
      await change.audit({
        action: 'member.invited',
        enterpriseId,
        targetType: 'MembershipInvitation',
        targetId: invitation.id,
        details: { email: input.email, role: input.role },
      });
      if (await change.manager.existsBy(Account, { email: input.email })) {
        await change.mail(input.email, 'membership_invitation', { invitationId: invitation.id });
      }
      return invitation;
    });
  }

  /** The invitee (by verified e-mail) joins the enterprise with the invited role. */
  async acceptInvitation(ctx: RequestContext, invitationId: string): Promise<Membership> {
    const viewer = ctx.requireViewer();
    const now = ctx.clock.now();
    const membership = await this.changes
      .run(ctx, async (change) => {
        const invitation = await this.lockInvitationOfViewer(change, invitationId);
        const status = allow(invitation, MembershipInvitationAction.ACCEPT, now);
        const joined = await insertNew(change.manager, Membership, {
          id: newId(),
          enterpriseId: invitation.enterpriseId,
          accountId: viewer.account.id,
          role: invitation.role,
          createdAt: now,
        });
        await change.manager.update(MembershipInvitation, invitation.id, { status, answeredAt: now });
        await change.audit({
          action: 'member.joined',
          enterpriseId: invitation.enterpriseId,
          targetType: 'Account',
          targetId: viewer.account.id,
          details: { role: invitation.role, invitationId: invitation.id },
        });
        return joined;
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict('You are already a member of this enterprise') : error;
      });
    await ctx.refreshViewer();
    return membership;
  }

  /** The invitee says no; the enterprise's ADMINs see it declined. */
  async declineInvitation(ctx: RequestContext, invitationId: string): Promise<MembershipInvitation> {
    return this.changes.run(ctx, async (change) => {
      const invitation = await this.lockInvitationOfViewer(change, invitationId);
      return this.answer(change, invitation, MembershipInvitationAction.DECLINE, 'member.invitation_declined');
    });
  }

  /** An ADMIN of the enterprise withdraws an invitation nobody has answered. */
  async revokeInvitation(ctx: RequestContext, invitationId: string): Promise<MembershipInvitation> {
    return this.changes.run(ctx, async (change) => {
      const invitation = await this.lockInvitation(change, invitationId);
      if (!invitation) throw notFound(INVITATION);
      await requireCurrentRole(change, invitation.enterpriseId, ADMINS, 'revoke invitations', INVITATION);
      return this.answer(change, invitation, MembershipInvitationAction.REVOKE, 'member.invitation_revoked');
    });
  }

  /** The invitations of an enterprise nobody has answered yet (expired ones too), newest first; for its ADMINs. */
  async invitationsOf(
    ctx: RequestContext,
    enterpriseId: string,
    page: PageArgs,
  ): Promise<Connection<MembershipInvitation>> {
    requireRole(ctx, enterpriseId, ADMINS, 'see the invitations');
    const query = this.db.manager
      .createQueryBuilder(MembershipInvitation, 'invitation')
      .where('invitation.enterpriseId = :enterpriseId AND invitation.status = :pending', {
        enterpriseId,
        pending: MembershipInvitationStatus.PENDING,
      });
    return newestFirst(query, page);
  }

  /** The invitations the viewer can still accept: addressed to its verified e-mail, newest first. */
  async invitationsOfViewer(ctx: RequestContext, page: PageArgs): Promise<Connection<MembershipInvitation>> {
    const email = ctx.requireViewer().verifiedEmail;
    const query = this.db.manager
      .createQueryBuilder(MembershipInvitation, 'invitation')
      .where('invitation.email = :email AND invitation.status = :pending AND invitation.expiresAt > :now', {
        // An unverified account matches no invitation: its e-mail may be someone else's.
        email: email ?? '',
        pending: MembershipInvitationStatus.PENDING,
        now: ctx.clock.now(),
      });
    return newestFirst(query, page);
  }

  async setMemberRole(ctx: RequestContext, input: SetMemberRoleInput): Promise<Membership> {
    return this.changes.run(ctx, async (change) => {
      await this.lockMembers(change, input.enterpriseId, ADMINS, "change members' roles");
      const membership = await this.findMember(change, input.enterpriseId, input.accountId);
      const previous = membership.role;
      if (previous === input.role) return membership;
      if (previous === Role.ADMIN) await this.ensureAnotherAdmin(change, input.enterpriseId);
      membership.role = input.role;
      await change.manager.update(Membership, membership.id, { role: input.role });
      await change.audit({
        action: 'member.role_changed',
        enterpriseId: input.enterpriseId,
        targetType: 'Account',
        targetId: input.accountId,
        details: { from: previous, to: input.role },
      });
      return membership;
    });
  }

  /** ADMINs remove anyone; every member may remove themselves (leave). */
  async removeMember(ctx: RequestContext, input: RemoveMemberInput): Promise<boolean> {
    const leaving = ctx.requireViewer().account.id === input.accountId;
    await this.changes.run(ctx, async (change) => {
      await this.lockMembers(change, input.enterpriseId, leaving ? ALL_ROLES : ADMINS, 'remove members');
      const membership = await this.findMember(change, input.enterpriseId, input.accountId);
      if (membership.role === Role.ADMIN) await this.ensureAnotherAdmin(change, input.enterpriseId);
      await change.manager.delete(Membership, { id: membership.id });
      await change.audit({
        action: 'member.removed',
        enterpriseId: input.enterpriseId,
        targetType: 'Account',
        targetId: input.accountId,
        details: { role: membership.role },
      });
    });
    if (leaving) await ctx.refreshViewer();
    return true;
  }

  /**
   * Locks the enterprise row, then checks the viewer's current role: every change to an
   * enterprise's members queues behind that lock, so two ADMINs demoting each other cannot both
   * pass the last-ADMIN check, and the second one acts with its role as the first one left it.
   */
  private async lockMembers(
    change: Change,
    enterpriseId: string,
    allowed: readonly Role[],
    action: string,
  ): Promise<void> {
    await this.lockEnterprise(change, enterpriseId);
    await requireCurrentRole(change, enterpriseId, allowed, action);
  }

  private async lockEnterprise(change: Change, enterpriseId: string): Promise<void> {
    await this.db
      .forUpdate(change.manager.createQueryBuilder(Enterprise, 'e').where('e.id = :enterpriseId', { enterpriseId }))
      .getOne();
  }

  /**
   * An invitation read behind its enterprise's lock, like every change to the members: an
   * acceptance racing a revocation (or a second invitation) is judged after it.
   */
  private async lockInvitation(change: Change, invitationId: string): Promise<MembershipInvitation | null> {
    const found = await change.manager.findOneBy(MembershipInvitation, { id: invitationId });
    if (!found) return null;
    await this.lockEnterprise(change, found.enterpriseId);
    return change.manager.findOneBy(MembershipInvitation, { id: invitationId });
  }

  /** An invitation addressed to the viewer's verified e-mail; NOT_FOUND for anyone else's, as if it did not exist. */
  private async lockInvitationOfViewer(change: Change, invitationId: string): Promise<MembershipInvitation> {
    const email = change.ctx.requireViewer().verifiedEmail;
    const invitation = await this.lockInvitation(change, invitationId);
    if (!invitation || email === null || invitation.email !== email) throw notFound(INVITATION);
    return invitation;
  }

  /** Declines or revokes: the invitation ends without a membership. */
  private async answer(
    change: Change,
    invitation: MembershipInvitation,
    action: MembershipInvitationAction,
    auditAction: string,
  ): Promise<MembershipInvitation> {
    const now = change.now;
    const status = allow(invitation, action, now);
    await change.manager.update(MembershipInvitation, invitation.id, { status, answeredAt: now });
    await change.audit({
      action: auditAction,
      enterpriseId: invitation.enterpriseId,
      targetType: 'MembershipInvitation',
      targetId: invitation.id,
      details: { email: invitation.email, role: invitation.role },
    });
    return Object.assign(invitation, { status, answeredAt: now });
  }

  private async findMember(change: Change, enterpriseId: string, accountId: string): Promise<Membership> {
    const membership = await change.manager.findOneBy(Membership, { enterpriseId, accountId });
    if (!membership) throw notFound('Member');
    return membership;
  }

  private async ensureAnotherAdmin(change: Change, enterpriseId: string): Promise<void> {
    const admins = await change.manager.countBy(Membership, { enterpriseId, role: Role.ADMIN });
    if (admins <= 1) throw conflict(LAST_ADMIN);
  }
}

/** The status `action` leads to for this invitation now, or its refusal as an error. */
function allow(
  invitation: MembershipInvitation,
  action: MembershipInvitationAction,
  now: Date,
): MembershipInvitationStatus {
  const outcome = membershipInvitationTransition(membershipInvitationStatus(invitation, now), action);
  if (!outcome.allowed) throw new AppError(outcome.code, outcome.message);
  return outcome.status;
}

/** A page of invitations, newest first (ids are UUIDv7: id order is creation order). */
async function newestFirst(
  query: SelectQueryBuilder<MembershipInvitation>,
  page: PageArgs,
): Promise<Connection<MembershipInvitation>> {
  query.orderBy('invitation.id', 'DESC').take(page.first + 1);
  if (page.after) query.andWhere('invitation.id < :after', { after: decodeCursor(page.after) });
  return toConnection(await query.getMany(), page);
}
