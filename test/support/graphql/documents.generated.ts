/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The link token, or shareId + code; and where to receive the devices. */
export type AcceptShareInput = {
  /** The 6-digit confirmation code (with shareId). */
  code?: string | null | undefined;
  /** An enterprise of yours in the devices’ data center. */
  enterpriseId?: string | number | null | undefined;
  /** Or a new enterprise, created on the spot in the devices’ data center. */
  newEnterprise?: NewEnterpriseInput | null | undefined;
  shareId?: string | number | null | undefined;
  /** The token of the share link. */
  token?: string | null | undefined;
};

export type CreateEnterpriseInput = {
  dataCenter: DataCenter;
  name: string;
};

/** Where an enterprise lives. */
export type DataCenter =
  | 'CN'
  | 'EU'
  | 'US';

/** BASIC allows monitoring and reports only; STANDARD and ADVANCED can be shared. */
export type DevicePlan =
  | 'ADVANCED'
  | 'BASIC'
  | 'STANDARD';

export type NewEnterpriseInput = {
  name: string;
};

/** An operation permission on a shared device. */
export type Permission =
  | 'CONFIGURE'
  | 'CONTROL'
  | 'FIRMWARE'
  | 'LICENSE'
  | 'MONITOR'
  | 'NOTIFICATIONS'
  | 'REPORTS';

export type RegisterDeviceInput = {
  firmwareVersion?: string | null | undefined;
  /** The group to put it in; none for the top level. */
  groupId?: string | number | null | undefined;
  isDemo?: boolean;
  model: string;
  name: string;
  plan: DevicePlan;
  /** Unique platform-wide: letters, digits, "-", "_" and ".", up to 64. */
  serialNumber: string;
};

export type ShareDevicesInput = {
  description?: string | null | undefined;
  /** One or many (bulk), at most 500. */
  deviceIds: Array<string | number>;
  /** In the future, at most 10 years ahead; none = never. */
  expiresAt?: string | null | undefined;
  /** At least one; fixed once saved. */
  permissions: Array<Permission>;
  recipientEmail: string;
};

/** Why a share ended (CANCELLED or EXPIRED). */
export type ShareEndReason =
  /** The recipient removed its last device from their view. */
  | 'ALL_DEVICES_REMOVED'
  /** The sharer (or an ADMIN of its enterprise) cancelled it, or took out its last device. */
  | 'CANCELLED_BY_SHARER'
  /** The recipient declined the invitation. */
  | 'DECLINED'
  /** The owner deleted its last device. */
  | 'DEVICE_DELETED'
  /** The accepted share reached its expiry. */
  | 'EXPIRED'
  /** Nobody accepted it in time. */
  | 'INVITATION_EXPIRED'
  /** The recipient left the accepted share. */
  | 'LEFT_BY_RECIPIENT';

/** PENDING (sent) → ACTIVE (accepted) → CANCELLED or EXPIRED; the last two are final. */
export type ShareStatus =
  | 'ACTIVE'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'PENDING';

export type CreateEnterpriseMutationVariables = Exact<{
  input: CreateEnterpriseInput;
}>;


export type CreateEnterpriseMutation = { createEnterprise: { id: string } };

export type RegisterDeviceMutationVariables = Exact<{
  input: RegisterDeviceInput;
}>;


export type RegisterDeviceMutation = { registerDevice: { id: string } };

export type ShareDevicesMutationVariables = Exact<{
  input: ShareDevicesInput;
}>;


export type ShareDevicesMutation = { shareDevices: { shareLink: string, confirmationCode: string, emailSent: boolean, share: { id: string, status: ShareStatus } } };

export type AcceptShareMutationVariables = Exact<{
  input: AcceptShareInput;
}>;


export type AcceptShareMutation = { acceptShare: { id: string, status: ShareStatus } };

export type CancelShareMutationVariables = Exact<{
  shareId: string | number;
}>;


export type CancelShareMutation = { cancelShare: { id: string, status: ShareStatus, endReason: ShareEndReason | null } };

export type AddDevicesToShareMutationVariables = Exact<{
  shareId: string | number;
  deviceIds: Array<string | number> | string | number;
}>;


export type AddDevicesToShareMutation = { addDevicesToShare: { id: string, status: ShareStatus } };

export type ShareQueryVariables = Exact<{
  id: string | number;
}>;


export type ShareQuery = { share: { id: string, status: ShareStatus, endReason: ShareEndReason | null, permissions: Array<Permission>, expiresAt: string | null } };


export const CreateEnterpriseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateEnterprise"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateEnterpriseInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createEnterprise"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateEnterpriseMutation, CreateEnterpriseMutationVariables>;
export const RegisterDeviceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterDevice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterDeviceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerDevice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RegisterDeviceMutation, RegisterDeviceMutationVariables>;
export const ShareDevicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ShareDevices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ShareDevicesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"shareDevices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"shareLink"}},{"kind":"Field","name":{"kind":"Name","value":"confirmationCode"}},{"kind":"Field","name":{"kind":"Name","value":"emailSent"}},{"kind":"Field","name":{"kind":"Name","value":"share"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<ShareDevicesMutation, ShareDevicesMutationVariables>;
export const AcceptShareDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AcceptShare"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AcceptShareInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acceptShare"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<AcceptShareMutation, AcceptShareMutationVariables>;
export const CancelShareDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelShare"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"shareId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelShare"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"shareId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"shareId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"endReason"}}]}}]}}]} as unknown as DocumentNode<CancelShareMutation, CancelShareMutationVariables>;
export const AddDevicesToShareDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddDevicesToShare"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"shareId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deviceIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addDevicesToShare"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"shareId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"shareId"}}},{"kind":"Argument","name":{"kind":"Name","value":"deviceIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deviceIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<AddDevicesToShareMutation, AddDevicesToShareMutationVariables>;
export const ShareDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Share"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"share"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"endReason"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<ShareQuery, ShareQueryVariables>;