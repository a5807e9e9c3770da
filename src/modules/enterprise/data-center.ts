import { registerEnumType } from 'type-graphql';

/** Where an enterprise's data lives; shared devices never cross data centers (SPEC §2). */
export enum DataCenter {
  EU = 'eu',
  US = 'us',
  CN = 'cn',
}

registerEnumType(DataCenter, { name: 'DataCenter', description: 'Where an enterprise lives.' });
