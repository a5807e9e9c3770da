import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Role } from '../../common/roles';
import { Permission } from '../device/device-permissions';
import { Share } from './share.entity';

@ObjectType({ description: 'Whether one device can be shared, and if not, which rule says no.' })
export class DeviceShareVerdict {
  @Field(() => ID)
  deviceId: string;

  @Field()
  canShare: boolean;

  @Field(() => String, { nullable: true, description: 'The error code shareDevices would answer for it.' })
  code: string | null;

  @Field(() => String, { nullable: true })
  reason: string | null;
}

@ObjectType({ description: 'The verdicts of a share request, without writing anything.' })
export class ShareCheck {
  @Field({ description: 'Whether shareDevices with this input would succeed.' })
  canShare: boolean;

  @Field(() => [String], { description: 'Problems of the request as a whole (BAD_USER_INPUT).' })
  problems: string[];

  @Field(() => [DeviceShareVerdict])
  devices: DeviceShareVerdict[];
}

@ObjectType({ description: 'A new share with its invitation: give the link or the code to the recipient.' })
export class ShareInvitation {
  @Field(() => Share)
  share: Share;

  @Field({ description: '<PUBLIC_URL>/shares/accept?token=…, bound to the recipient e-mail.' })
  shareLink: string;

  @Field({ description: 'The 6-digit confirmation code.' })
  confirmationCode: string;

  @Field({
    description:
      'Whether an invitation e-mail was queued: only an address with an account gets one; otherwise pass on the link or the code yourself.',
  })
  emailSent: boolean;
}

@ObjectType({ description: 'How many shares are in each status.' })
export class ShareCounts {
  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  active: number;

  @Field(() => Int)
  cancelled: number;

  @Field(() => Int)
  expired: number;
}

@ObjectType({ description: 'One recipient of your shares, for the left list of "Shared by me".' })
export class ShareRecipientSummary {
  @Field()
  recipientEmail: string;

  @Field(() => ShareCounts)
  counts: ShareCounts;

  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description: 'When the last live share expires; null when none is live, or when one never expires (neverExpires).',
  })
  latestExpiresAt: Date | null;

  @Field({ description: 'Whether a live share never expires: then nothing ends it but a cancellation.' })
  neverExpires: boolean;
}

@ObjectType({ description: 'One sharer of the shares you received, for the left list of "Shared with me".' })
export class ShareSharerSummary {
  sharerId: string;

  @Field(() => ShareCounts)
  counts: ShareCounts;

  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description: 'When the last live share expires; null when none is live, or when one never expires (neverExpires).',
  })
  latestExpiresAt: Date | null;

  @Field({ description: 'Whether a live share never expires: then nothing ends it but a cancellation.' })
  neverExpires: boolean;
}

@ObjectType({ description: 'What the viewer may do with a device, and why.' })
export class DeviceAccess {
  @Field(() => Role, { nullable: true, description: 'Your role in the owning enterprise, if a member.' })
  role: Role | null;

  @Field(() => [Permission], { description: "What you may do with it now, the device's plan included." })
  permissions: Permission[];

  @Field(() => Share, { nullable: true, description: 'The ACTIVE share it reached you through, if not yours.' })
  share: Share | null;
}
