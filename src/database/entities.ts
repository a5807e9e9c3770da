import { Account } from '../modules/account/account.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { DeviceGroup } from '../modules/device/device-group.entity';
import { Device } from '../modules/device/device.entity';
import { Enterprise } from '../modules/enterprise/enterprise.entity';
import { Membership } from '../modules/enterprise/membership.entity';

export const entities = [Account, Enterprise, Membership, DeviceGroup, Device, AuditEvent];
