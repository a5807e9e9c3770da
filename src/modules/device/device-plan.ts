import { registerEnumType } from 'type-graphql';

/** A device's service plan; it decides what can be shared and used remotely (SPEC §3). */
export enum DevicePlan {
  BASIC = 'BASIC',
  STANDARD = 'STANDARD',
  ADVANCED = 'ADVANCED',
}

registerEnumType(DevicePlan, {
  name: 'DevicePlan',
  description: 'BASIC allows monitoring and reports only; STANDARD and ADVANCED can be shared.',
});
