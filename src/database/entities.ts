import { Counter } from './counter.entity';
import { Account } from '../modules/account/account.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { DeviceGroup } from '../modules/device/device-group.entity';
import { DeviceCommand } from '../modules/device/device-command.entity';
import { Device } from '../modules/device/device.entity';
import { Enterprise } from '../modules/enterprise/enterprise.entity';
import { MembershipInvitation } from '../modules/enterprise/membership-invitation.entity';
import { Membership } from '../modules/enterprise/membership.entity';
import { NotificationPolicy, NotificationPolicyDevice } from '../modules/notification/notification-policy.entity';
import { OutboxMessage } from '../modules/mail/outbox-message.entity';
import { ShareEvent } from '../modules/share/events/share-event.entity';
import { Share, SharedDevice } from '../modules/share/share.entity';

export const entities = [
  Account,
  Enterprise,
  Membership,
  MembershipInvitation,
  DeviceGroup,
  Device,
  AuditEvent,
  Share,
  SharedDevice,
  ShareEvent,
  OutboxMessage,
  Counter,
  DeviceCommand,
  NotificationPolicy,
  NotificationPolicyDevice,
];
