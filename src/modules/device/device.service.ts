import { type Connection, decodeCursor, toConnection } from '../../common/connection';
import { badInput, conflict, forbidden, notFound } from '../../common/errors';
import { newId } from '../../common/ids';
import type { Role } from '../../common/roles';
import type { Change, Changes } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import { insertNew, isUniqueViolation, type Database } from '../../database/database';
import { Enterprise } from '../enterprise/enterprise.entity';
import { NotificationPolicyDevice } from '../notification/notification-policy.entity';
import {
  ADMINS,
  ADMINS_AND_OPERATORS,
  ALL_ROLES,
  requireCurrentRole,
  requireRole,
} from '../enterprise/enterprise.policy';
import { DeviceGroup } from './device-group.entity';
import { depthOf, MAX_GROUP_DEPTH, subtreeIds } from './device-group.tree';
import type { DevicePlan } from './device-plan';
import { Device } from './device.entity';
import type { DeviceAccess } from './device.policy';
import { DeviceDeleted, DevicePlanChanged } from './device-facts';
import type { CreateDeviceGroupInput, DevicesArgs, RegisterDeviceInput } from './device.inputs';
import { groupsOfEnterprise } from './device.loaders';

const SERIAL_TAKEN = 'A device with this serial number is already registered';

/** The device inventory of an enterprise: groups and devices. */
export class DeviceService {
  constructor(
    private readonly db: Database,
    private readonly changes: Changes,
    private readonly access: DeviceAccess,
  ) {}

  /** A device the viewer sees; NOT_FOUND for any other, as if it did not exist. */
  async get(ctx: RequestContext, id: string): Promise<Device> {
    const device = await this.access
      .scopeSeen(
        this.db.manager.createQueryBuilder(Device, 'device').where('device.id = :id', { id }),
        ctx.requireActor(),
      )
      .getOne();
    if (!device) throw notFound('Device');
    return device;
  }

  /** Devices of an enterprise, in registration order; optionally of one group (and its subgroups). */
  async list(ctx: RequestContext, args: DevicesArgs): Promise<Connection<Device>> {
    const enterpriseId = args.enterpriseId ?? ctx.actingEnterpriseId();
    requireRole(ctx, enterpriseId, ALL_ROLES, 'list devices');
    const query = this.db.manager
      .createQueryBuilder(Device, 'device')
      .where('device.enterpriseId = :enterpriseId', { enterpriseId })
      .orderBy('device.id', 'ASC')
      .take(args.first + 1);
    if (args.groupId) {
      const groups = await ctx.loaders.of(groupsOfEnterprise).load(enterpriseId);
      if (!groups.some((group) => group.id === args.groupId)) throw notFound('Device group');
      const groupIds = args.includeSubgroups ? subtreeIds(groups, args.groupId) : [args.groupId];
      query.andWhere('device.groupId IN (:...groupIds)', { groupIds });
    }
    if (args.after) query.andWhere('device.id > :after', { after: decodeCursor(args.after) });
    return toConnection(await query.getMany(), args);
  }

  async createGroup(ctx: RequestContext, input: CreateDeviceGroupInput): Promise<DeviceGroup> {
    const enterpriseId = ctx.actingEnterpriseId();
    const name = input.name.trim();
    return this.changes.run(ctx, async (change) => {
      // Group creations in one enterprise queue behind its row, so that two concurrent requests
      // cannot both find a sibling name (or a depth) free and both insert.
      await this.db
        .forUpdate(change.manager.createQueryBuilder(Enterprise, 'e').where('e.id = :enterpriseId', { enterpriseId }))
        .getOne();
      await requireCurrentRole(change, enterpriseId, ADMINS, 'create device groups');
      const groups = await change.manager.findBy(DeviceGroup, { enterpriseId });
      const parentId = input.parentId ?? null;
      if (parentId && !groups.some((group) => group.id === parentId)) throw notFound('Parent group');
      if (parentId && depthOf(groups, parentId) >= MAX_GROUP_DEPTH) {
        throw badInput(`Device groups nest at most ${MAX_GROUP_DEPTH} levels deep`);
      }
      if (groups.some((group) => group.parentId === parentId && group.name.toLowerCase() === name.toLowerCase())) {
        throw conflict(`A group named "${name}" already exists here`);
      }
      const group = await insertNew(change.manager, DeviceGroup, {
        id: newId(),
        enterpriseId,
        parentId,
        name,
        createdAt: ctx.clock.now(),
      });
      await change.audit({
        action: 'device_group.created',
        enterpriseId,
        targetType: 'DeviceGroup',
        targetId: group.id,
        details: { name, parentId },
      });
      return group;
    });
  }

  async register(ctx: RequestContext, input: RegisterDeviceInput): Promise<Device> {
    const enterpriseId = ctx.actingEnterpriseId();
    const serialNumber = input.serialNumber.trim().toUpperCase();
    const now = ctx.clock.now();
    return this.changes
      .run(ctx, async (change) => {
        await requireCurrentRole(change, enterpriseId, ADMINS, 'register devices');
        if (input.groupId) await this.requireGroup(change, enterpriseId, input.groupId);
        if (await change.manager.existsBy(Device, { serialNumber })) throw conflict(SERIAL_TAKEN);
        const device = await insertNew(change.manager, Device, {
          id: newId(),
          enterpriseId,
          groupId: input.groupId ?? null,
          serialNumber,
          name: input.name.trim(),
          model: input.model.trim(),
          plan: input.plan,
          isDemo: input.isDemo,
          registeredById: ctx.requireViewer().account.id,
          firmwareVersion: input.firmwareVersion?.trim() || null,
          online: false,
          lastSeenAt: null,
          status: 'UNKNOWN',
          telemetry: {},
          configuration: {},
          createdAt: now,
          updatedAt: now,
        });
        await change.audit({
          action: 'device.registered',
          enterpriseId,
          targetType: 'Device',
          targetId: device.id,
          details: { serialNumber, plan: device.plan, isDemo: device.isDemo, groupId: device.groupId },
        });
        return device;
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict(SERIAL_TAKEN) : error;
      });
  }

  /** Moves a device to another group of its enterprise, or to the top level (`groupId` null). */
  move(ctx: RequestContext, deviceId: string, groupId: string | null): Promise<Device> {
    return this.changeOwned(ctx, deviceId, ADMINS_AND_OPERATORS, 'move devices', async (change, device) => {
      if (groupId) await this.requireGroup(change, device.enterpriseId, groupId);
      return { changes: { groupId }, action: 'device.moved', details: { from: device.groupId, to: groupId } };
    });
  }

  async changePlan(ctx: RequestContext, deviceId: string, plan: DevicePlan): Promise<Device> {
    const device = await this.changeOwned(ctx, deviceId, ADMINS, 'change device plans', async (change, device) => {
      const from = device.plan;
      await change.emit(DevicePlanChanged, { device: { ...device, plan }, from });
      return { changes: { plan }, action: 'device.plan_changed', details: { from, to: plan } };
    });
    return device;
  }

  /** Deletes a device from the platform; only its owner's ADMINs may. Answers the deleted id. */
  async delete(ctx: RequestContext, deviceId: string): Promise<string> {
    await this.changes.run(ctx, async (change) => {
      const device = await this.loadOwned(change, deviceId, ADMINS, 'delete devices');
      await change.emit(DeviceDeleted, { deviceId: device.id });
      // Policies of the owner and of recipients may list the device; no foreign key spans them.
      await change.manager.delete(NotificationPolicyDevice, { deviceId: device.id });
      await change.manager.delete(Device, { id: device.id });
      await change.audit({
        action: 'device.deleted',
        enterpriseId: device.enterpriseId,
        targetType: 'Device',
        targetId: device.id,
        details: { serialNumber: device.serialNumber, name: device.name },
      });
    });
    return deviceId;
  }

  /**
   * Loads a device for a change by its owner, writes the fields `work` answers and records the
   * change in the event log, in one Change.
   */
  private changeOwned(
    ctx: RequestContext,
    deviceId: string,
    allowed: readonly Role[],
    action: string,
    work: (
      change: Change,
      device: Device,
    ) => Promise<{
      changes: Partial<Pick<Device, 'groupId' | 'plan'>>;
      action: string;
      details: Record<string, unknown>;
    }>,
  ): Promise<Device> {
    return this.changes.run(ctx, async (change) => {
      const device = await this.loadOwned(change, deviceId, allowed, action);
      const { changes, ...audit } = await work(change, device);
      Object.assign(device, changes, { updatedAt: change.now });
      await change.manager.update(Device, device.id, { ...changes, updatedAt: device.updatedAt });
      await change.audit({
        ...audit,
        enterpriseId: device.enterpriseId,
        targetType: 'Device',
        targetId: device.id,
      });
      return device;
    });
  }

  private async loadOwned(change: Change, deviceId: string, allowed: readonly Role[], action: string): Promise<Device> {
    const { ctx } = change;
    ctx.requireViewer();
    const device = await this.db
      .forUpdate(change.manager.createQueryBuilder(Device, 'device').where('device.id = :deviceId', { deviceId }))
      .getOne();
    if (!device || !(await this.access.canSee(ctx, device))) throw notFound('Device');
    if (!ctx.roleIn(device.enterpriseId)) throw forbidden(`Only the enterprise that owns a device may ${action}`);
    await requireCurrentRole(change, device.enterpriseId, allowed, action);
    return device;
  }

  private async requireGroup(change: Change, enterpriseId: string, groupId: string): Promise<void> {
    if (!(await change.manager.existsBy(DeviceGroup, { id: groupId, enterpriseId }))) throw notFound('Device group');
  }
}
