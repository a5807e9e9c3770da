import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, type Connection } from '../../common/connection';
import type { RequestContext } from '../../context/request-context';
import { Account } from '../account/account.entity';
import { AuditEvent } from './audit-event.entity';
import { AuditLogArgs } from './audit.inputs';
import type { AuditService } from './audit.service';
import { accountOrNull } from '../account/account.loaders';

const AuditEventConnection = ConnectionType(AuditEvent);

@Resolver(() => AuditEvent)
export class AuditResolver {
  constructor(private readonly auditService: AuditService) {}

  @Query(() => AuditEventConnection, { description: 'The event log, newest first.' })
  auditLog(@Ctx() ctx: RequestContext, @Args() args: AuditLogArgs): Promise<Connection<AuditEvent>> {
    return this.auditService.list(ctx, args);
  }

  @FieldResolver(() => Account, { nullable: true, description: 'Who acted; null once the account is gone.' })
  actor(@Root() event: AuditEvent, @Ctx() ctx: RequestContext): Promise<Account | null> | null {
    return accountOrNull(ctx, event.actorId);
  }
}
