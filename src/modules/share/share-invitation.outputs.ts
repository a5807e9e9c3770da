import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { DataCenter } from '../enterprise/data-center';
import { ShareStatus } from './share-lifecycle';
import { Permission } from '../device/device-permissions';

@ObjectType({ description: 'A device an invitation offers: its name and model, nothing else.' })
export class InvitedDevice {
  @Field()
  name: string;

  @Field()
  model: string;
}

@ObjectType({
  description:
    'What a share link offers, for the page that opens it before the recipient logs in: readable with the ' +
    'link token alone. Plain values only: nothing here leads to the devices, the accounts or the enterprises.',
})
export class ShareInvitationPreview {
  @Field(() => ShareStatus, {
    description: 'PENDING while it can be accepted; ACTIVE once accepted; CANCELLED; EXPIRED (after it was accepted).',
  })
  status: ShareStatus;

  @Field({ description: "The sharer's name." })
  sharerName: string;

  @Field({ description: "The name of the sharer's enterprise, which owns the devices." })
  sharerEnterpriseName: string;

  @Field(() => DataCenter, { description: "The sharing enterprise's data center: the devices are accepted there." })
  dataCenter: DataCenter;

  @Field(() => [InvitedDevice], {
    description: 'The devices offered, by name; empty once the share is no longer PENDING.',
  })
  devices: InvitedDevice[];

  @Field(() => Int, { description: 'How many devices are offered.' })
  deviceCount: number;

  @Field(() => [Permission])
  permissions: Permission[];

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When the share ends; null: it does not expire.' })
  expiresAt: Date | null;

  @Field(() => DateTimeISOResolver, { description: 'The invitation can be accepted until then.' })
  invitationExpiresAt: Date;
}
