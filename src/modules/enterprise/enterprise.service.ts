import type { EntityManager } from 'typeorm';
import { conflict, notFound } from '../../common/errors';
import { newId } from '../../common/ids';
import { Role } from '../../common/roles';
import type { RequestContext } from '../../context/request-context';
import { insertNew, isUniqueViolation, type Database } from '../../database/database';
import { Account } from '../account/account.entity';
import type { AuditService } from '../audit/audit.service';
import { DEFAULT_ENTERPRISE_SETTINGS, Enterprise } from './enterprise.entity';
import type { AddMemberInput, CreateEnterpriseInput, RemoveMemberInput, SetMemberRoleInput } from './enterprise.inputs';
import { ADMINS, ALL_ROLES, requireCurrentRole, requireRole } from './enterprise.policy';
import { Membership } from './membership.entity';

const ALREADY_MEMBER = 'This account is already a member';
const LAST_ADMIN = 'An enterprise keeps at least one ADMIN: make another member ADMIN first';

/** Enterprises and their members. An enterprise never loses its last ADMIN. */
export class EnterpriseService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  /** An enterprise the viewer is a member of; NOT_FOUND for any other. */
  async get(ctx: RequestContext, id: string): Promise<Enterprise> {
    requireRole(ctx, id, ALL_ROLES, 'see this enterprise');
    return ctx.loaders.enterprise.load(id);
  }

  /** Creates an enterprise with the viewer as its first ADMIN. */
  async create(ctx: RequestContext, input: CreateEnterpriseInput): Promise<Enterprise> {
    const enterprise = await this.db.transaction((manager) => this.createIn(manager, ctx, input));
    await ctx.refreshViewer();
    return enterprise;
  }

  /**
   * Creates an enterprise inside the caller's transaction (e.g. while accepting a share); the
   * caller refreshes the viewer's roles after commit.
   */
  async createIn(manager: EntityManager, ctx: RequestContext, input: CreateEnterpriseInput): Promise<Enterprise> {
    const viewer = ctx.requireViewer();
    const now = ctx.clock.now();
    const created = await insertNew(manager, Enterprise, {
      id: newId(),
      name: input.name.trim(),
      dataCenter: input.dataCenter,
      settings: DEFAULT_ENTERPRISE_SETTINGS,
      createdAt: now,
    });
    await insertNew(manager, Membership, {
      id: newId(),
      enterpriseId: created.id,
      accountId: viewer.account.id,
      role: Role.ADMIN,
      createdAt: now,
    });
    await this.audit.record(ctx, manager, {
      action: 'enterprise.created',
      enterpriseId: created.id,
      targetType: 'Enterprise',
      targetId: created.id,
      details: { name: created.name, dataCenter: created.dataCenter },
    });
    return created;
  }

  async addMember(ctx: RequestContext, input: AddMemberInput): Promise<Membership> {
    return this.db
      .transaction(async (manager) => {
        await this.lockMembers(manager, ctx, input.enterpriseId, ADMINS, 'add members');
        const account = await manager.findOneBy(Account, { email: input.email });
        if (!account) throw notFound('Account');
        if (await manager.existsBy(Membership, { enterpriseId: input.enterpriseId, accountId: account.id })) {
          throw conflict(ALREADY_MEMBER);
        }
        const membership = await insertNew(manager, Membership, {
          id: newId(),
          enterpriseId: input.enterpriseId,
          accountId: account.id,
          role: input.role,
          createdAt: ctx.clock.now(),
        });
        await this.audit.record(ctx, manager, {
          action: 'member.added',
          enterpriseId: input.enterpriseId,
          targetType: 'Account',
          targetId: account.id,
          details: { role: input.role },
        });
        return membership;
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict(ALREADY_MEMBER) : error;
      });
  }

  async setMemberRole(ctx: RequestContext, input: SetMemberRoleInput): Promise<Membership> {
    return this.db.transaction(async (manager) => {
      await this.lockMembers(manager, ctx, input.enterpriseId, ADMINS, "change members' roles");
      const membership = await this.findMember(manager, input.enterpriseId, input.accountId);
      const previous = membership.role;
      if (previous === input.role) return membership;
      if (previous === Role.ADMIN) await this.ensureAnotherAdmin(manager, input.enterpriseId);
      membership.role = input.role;
      await manager.update(Membership, membership.id, { role: input.role });
      await this.audit.record(ctx, manager, {
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
    await this.db.transaction(async (manager) => {
      await this.lockMembers(manager, ctx, input.enterpriseId, leaving ? ALL_ROLES : ADMINS, 'remove members');
      const membership = await this.findMember(manager, input.enterpriseId, input.accountId);
      if (membership.role === Role.ADMIN) await this.ensureAnotherAdmin(manager, input.enterpriseId);
      await manager.delete(Membership, { id: membership.id });
      await this.audit.record(ctx, manager, {
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
    manager: EntityManager,
    ctx: RequestContext,
    enterpriseId: string,
    allowed: readonly Role[],
    action: string,
  ): Promise<void> {
    await this.db
      .forUpdate(manager.createQueryBuilder(Enterprise, 'e').where('e.id = :enterpriseId', { enterpriseId }))
      .getOne();
    await requireCurrentRole(manager, ctx, enterpriseId, allowed, action);
  }

  private async findMember(manager: EntityManager, enterpriseId: string, accountId: string): Promise<Membership> {
    const membership = await manager.findOneBy(Membership, { enterpriseId, accountId });
    if (!membership) throw notFound('Member');
    return membership;
  }

  private async ensureAnotherAdmin(manager: EntityManager, enterpriseId: string): Promise<void> {
    const admins = await manager.countBy(Membership, { enterpriseId, role: Role.ADMIN });
    if (admins <= 1) throw conflict(LAST_ADMIN);
  }
}
