import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { badInput, conflict, notFound } from '../../common/errors';
import { isId, newId } from '../../common/ids';
import type { Change, Changes } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import { insertNew } from '../../database/database';
import { ADMINS_AND_OPERATORS, requireCurrentRole } from '../enterprise/enterprise.policy';
import { NotificationPolicy, NotificationPolicyDevice } from '../notification/notification-policy.entity';
import { Permission } from './device-permissions';
import { DeviceCommand, DeviceCommandKind } from './device-command.entity';
import { Device } from './device.entity';
import type { DeviceAccess } from './device.policy';

/** The permission each command needs (SPEC §3). */
const NEEDS: Record<DeviceCommandKind, Permission> = {
  [DeviceCommandKind.REBOOT]: Permission.CONTROL,
  [DeviceCommandKind.DIAGNOSTICS]: Permission.CONTROL,
  [DeviceCommandKind.FIRMWARE_UPGRADE]: Permission.FIRMWARE,
  [DeviceCommandKind.CONFIGURATION_UPDATE]: Permission.CONFIGURE,
  [DeviceCommandKind.LICENSE]: Permission.LICENSE,
  [DeviceCommandKind.REPORT]: Permission.REPORTS,
};

const MAX_CONFIGURATION_BYTES = 64 * 1024;

/**
 * Operating devices, by their owners or by recipients of a share: each operation checks the
 * permission it needs, queues a command record and logs an audit event in the owner's log.
 */
export class DeviceOperationService {
  constructor(
    private readonly changes: Changes,
    private readonly access: DeviceAccess,
  ) {}

  /** Queues a command of `kind`; `payload` says what exactly (version, license key, …). */
  command(
    ctx: RequestContext,
    deviceId: string,
    kind: DeviceCommandKind,
    payload: Record<string, unknown> = {},
  ): Promise<DeviceCommand> {
    return this.changes.run(ctx, async (change) => {
      const device = await this.permitted(change, deviceId, NEEDS[kind]);
      if (kind === DeviceCommandKind.CONFIGURATION_UPDATE) {
        // TypeORM's partial type does not accept an open JSON object for a simple-json column.
        const changes = { configuration: payload, updatedAt: ctx.clock.now() } as QueryDeepPartialEntity<Device>;
        await change.manager.update(Device, device.id, changes);
      }
      const command = await insertNew(change.manager, DeviceCommand, {
        id: newId(),
        deviceId: device.id,
        issuedById: ctx.requireViewer().account.id,
        kind,
        payload,
        status: 'QUEUED',
        createdAt: ctx.clock.now(),
      });
      await change.audit({
        action: `device.${kind.toLowerCase()}`,
        enterpriseId: device.enterpriseId,
        targetType: 'Device',
        targetId: device.id,
        details: { commandId: command.id, ...payload },
      });
      return command;
    });
  }

  updateConfiguration(ctx: RequestContext, deviceId: string, configuration: Record<string, unknown>) {
    if (Buffer.byteLength(JSON.stringify(configuration)) > MAX_CONFIGURATION_BYTES) {
      throw badInput(`A configuration has at most ${MAX_CONFIGURATION_BYTES / 1024} KiB`);
    }
    return this.command(ctx, deviceId, DeviceCommandKind.CONFIGURATION_UPDATE, configuration);
  }

  /** A new notification policy of the acting enterprise (ADMIN, OPERATOR). */
  createPolicy(ctx: RequestContext, name: string): Promise<NotificationPolicy> {
    const enterpriseId = ctx.actingEnterpriseId();
    return this.changes.run(ctx, async (change) => {
      await requireCurrentRole(change, enterpriseId, ADMINS_AND_OPERATORS, 'create notification policies');
      const policy = await insertNew(change.manager, NotificationPolicy, {
        id: newId(),
        enterpriseId,
        name: name.trim(),
        createdAt: ctx.clock.now(),
      });
      await change.audit({
        action: 'notification_policy.created',
        enterpriseId,
        targetType: 'NotificationPolicy',
        targetId: policy.id,
        details: { name: policy.name },
      });
      return policy;
    });
  }

  /**
   * Adds a device to a policy of one of the viewer's enterprises: an owned device, or one shared
   * into that enterprise with NOTIFICATIONS (lost on the BASIC plan).
   */
  addToPolicy(ctx: RequestContext, policyId: string, deviceId: string): Promise<NotificationPolicy> {
    return this.changes.run(ctx, async (change) => {
      const policy = isId(policyId) ? await change.manager.findOneBy(NotificationPolicy, { id: policyId }) : null;
      if (!policy || !ctx.roleIn(policy.enterpriseId)) throw notFound('Notification policy');
      await requireCurrentRole(change, policy.enterpriseId, ADMINS_AND_OPERATORS, 'change notification policies');
      const device = await this.permitted(change, deviceId, Permission.NOTIFICATIONS);
      if (await change.manager.existsBy(NotificationPolicyDevice, { policyId, deviceId })) {
        throw conflict('The device is in this policy already');
      }
      await insertNew(change.manager, NotificationPolicyDevice, {
        id: newId(),
        policyId,
        deviceId,
        addedAt: ctx.clock.now(),
      });
      await change.audit({
        action: 'device.added_to_notification_policy',
        enterpriseId: device.enterpriseId,
        targetType: 'Device',
        targetId: device.id,
        details: { policyId, policyEnterpriseId: policy.enterpriseId },
      });
      return policy;
    });
  }

  private async permitted(change: Change, deviceId: string, permission: Permission): Promise<Device> {
    const device = await change.manager.findOneBy(Device, { id: deviceId });
    if (!device) throw notFound('Device');
    await this.access.requirePermission(change.ctx, device, permission);
    return device;
  }
}
