import { ArgsType, Field, ID } from 'type-graphql';
import { PageArgs } from '../../common/connection';

@ArgsType()
export class AuditLogArgs extends PageArgs {
  @Field(() => ID, {
    nullable: true,
    description: "An enterprise's whole log (its ADMINs). Without it: the viewer's own actions.",
  })
  enterpriseId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Only events about this device: its own, and those of the shares that hold or held it ' +
      '(each naming this device, or the whole share).',
  })
  deviceId?: string | null;
}
