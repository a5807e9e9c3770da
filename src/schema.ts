import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType, type PubSub } from 'type-graphql';
import { enforceFieldRules } from './context/auth-checker';
import { checkIdArguments } from './context/id-arguments';
import { accountFieldRules } from './modules/account/account.policy';
import { AccountResolver } from './modules/account/account.resolver';
import { AuditResolver } from './modules/audit/audit.resolver';
import { DeviceOperationResolver, NotificationPolicyResolver } from './modules/device/device-operation.resolver';
import { DeviceGroupResolver, DeviceResolver } from './modules/device/device.resolver';
import { enterpriseFieldRules } from './modules/enterprise/enterprise.policy';
import {
  EnterpriseResolver,
  MembershipInvitationResolver,
  MembershipResolver,
} from './modules/enterprise/enterprise.resolver';
import { devicesAccess } from './modules/share/device-reach';
import { ShareDeviceResolver } from './modules/share/share-device.resolver';
import { ShareEventResolver } from './modules/share/events/share-event.resolver';
import { ShareInvitationResolver } from './modules/share/share-invitation.resolver';
import { SharedDeviceResolver, ShareResolver, ShareSharerSummaryResolver } from './modules/share/share.resolver';

export const resolvers = [
  AccountResolver,
  EnterpriseResolver,
  MembershipResolver,
  MembershipInvitationResolver,
  DeviceResolver,
  DeviceGroupResolver,
  AuditResolver,
  ShareResolver,
  SharedDeviceResolver,
  ShareSharerSummaryResolver,
  ShareDeviceResolver,
  ShareEventResolver,
  ShareInvitationResolver,
  DeviceOperationResolver,
  NotificationPolicyResolver,
] as const;

/**
 * type-graphql asks for a topic-based PubSub as soon as a subscription exists, even though ours
 * bring their own `subscribe` (replay, then live, checked per event) and never publish to topics.
 */
const topicsUnused: PubSub = {
  publish: () => {
    throw new Error('devshare subscriptions do not use topics');
  },
  subscribe: () => {
    throw new Error('devshare subscriptions do not use topics');
  },
};

/** The executable schema; `container` hands type-graphql the app's resolver instances. */
export async function buildAppSchema(container?: ContainerType): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    container,
    pubSub: topicsUnused,
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
  });
  return checkIdArguments(enforceFieldRules(schema, accountFieldRules, enterpriseFieldRules, devicesAccess.fieldRules));
}

/** The SDL committed as schema.graphql: sorted, so that it only changes when the API does. */
export const printAppSchema = (schema: GraphQLSchema): string => `${printSchema(lexicographicSortSchema(schema))}\n`;
