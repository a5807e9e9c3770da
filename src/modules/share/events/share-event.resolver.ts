import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ConnectionType, PageArgs, type Connection } from '../../../common/connection';
import type { RequestContext } from '../../../context/request-context';
import { Account } from '../../account/account.entity';
import { ShareEvent } from './share-event.entity';
import type { ShareEventService } from './share-event.service';
import { Share } from '../share.entity';
import { shareById } from '../share.loaders';
import { accountOrNull } from '../../account/account.loaders';

const ShareEventConnection = ConnectionType(ShareEvent);

@ArgsType()
class ShareEventsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only the events of this share.' })
  shareId?: string | null;
}

@ArgsType()
class ShareStatusChangedArgs {
  @Field(() => ID, { nullable: true, description: 'Only this share; without it, every share you may watch.' })
  shareId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Replay the stored events after this cursor first, then go on live (no gap, no duplicate).',
  })
  after?: string | null;
}

@Resolver(() => ShareEvent)
export class ShareEventResolver {
  constructor(private readonly shareEventService: ShareEventService) {}

  @Query(() => ShareEventConnection, {
    description: 'The stored share events after a cursor, oldest first: the same history the subscription replays.',
  })
  shareEvents(@Ctx() ctx: RequestContext, @Args() args: ShareEventsArgs): Promise<Connection<ShareEvent>> {
    return this.shareEventService.list(ctx, args);
  }

  @Subscription(() => ShareEvent, {
    description:
      'Changes of the shares where you are the sharer, an ADMIN of its enterprise, or the recipient; checked at every delivery.',
    subscribe: ({ args, context }) =>
      (context as RequestContext).live.shareEvents(context as RequestContext, args as ShareStatusChangedArgs),
  })
  shareStatusChanged(@Root() event: ShareEvent, @Args() _args: ShareStatusChangedArgs): ShareEvent {
    return event;
  }

  @FieldResolver(() => Share, { description: 'The share as it is now.' })
  share(@Root() event: ShareEvent, @Ctx() ctx: RequestContext): Promise<Share> {
    return ctx.loaders.of(shareById).load(event.shareId);
  }

  @FieldResolver(() => Account, { nullable: true, description: 'Who made the change; null for expiry.' })
  actor(@Root() event: ShareEvent, @Ctx() ctx: RequestContext): Promise<Account | null> | null {
    return accountOrNull(ctx, event.actorId);
  }
}
