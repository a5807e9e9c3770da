import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context';
import { ShareInvitationPreview } from './share-invitation.outputs';
import type { ShareInvitationService } from './share-invitation.service';

@Resolver()
export class ShareInvitationResolver {
  constructor(private readonly shareInvitationService: ShareInvitationService) {}

  @Query(() => ShareInvitationPreview, {
    description:
      'The invitation a share link carries (its token), for the accept page: no login needed. Or, logged in, ' +
      'an invitation addressed to you by its shareId. NOT_FOUND for a token that is not valid or a share that ' +
      'is not an invitation of yours, INVITATION_EXPIRED for an invitation that expired unanswered.',
  })
  shareInvitation(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String, { nullable: true }) token?: string | null,
    @Arg('shareId', () => ID, { nullable: true }) shareId?: string | null,
  ): Promise<ShareInvitationPreview> {
    return this.shareInvitationService.previewBy(ctx, { token, shareId });
  }
}
