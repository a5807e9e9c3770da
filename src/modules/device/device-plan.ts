/** A device's service plan; it decides what can be shared and used remotely (SPEC §3). */
export enum DevicePlan {
  BASIC = 'BASIC',
  STANDARD = 'STANDARD',
  ADVANCED = 'ADVANCED',
}
