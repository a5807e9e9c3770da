import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, PageArgs, paginate, type Connection } from '../../common/connection';
import { Role } from '../../common/roles';
import { FieldRule, ReadRule } from '../../context/field-rule';
import type { RequestContext } from '../../context/request-context';
import { Account } from '../account/account.entity';
import { DeviceGroup } from '../device/device-group.entity';
import { DeviceGroupConnection } from '../device/device.resolver';
import { Enterprise } from './enterprise.entity';
import {
  AddMemberInput,
  CreateEnterpriseInput,
  RemoveMemberInput,
  SetMemberRoleInput,
  UpdateEnterpriseSettingsInput,
} from './enterprise.inputs';
import type { EnterpriseService } from './enterprise.service';
import { MembershipInvitationStatus, membershipInvitationStatus } from './membership-invitation-lifecycle';
import { MembershipInvitation } from './membership-invitation.entity';
import { Membership } from './membership.entity';
import { enterpriseById, membershipsOfEnterprise } from './enterprise.loaders';
import { groupsOfEnterprise } from '../device/device.loaders';
import { accountById } from '../account/account.loaders';

export const MembershipConnection = ConnectionType(Membership);
export const MembershipInvitationConnection = ConnectionType(MembershipInvitation);

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  constructor(private readonly enterpriseService: EnterpriseService) {}

  @Query(() => Enterprise, { description: 'An enterprise the viewer is a member of; NOT_FOUND otherwise.' })
  enterprise(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Enterprise> {
    return this.enterpriseService.get(ctx, id);
  }

  @Mutation(() => Enterprise, { description: 'Creates an enterprise; the creator becomes its ADMIN.' })
  createEnterprise(@Ctx() ctx: RequestContext, @Arg('input') input: CreateEnterpriseInput): Promise<Enterprise> {
    return this.enterpriseService.create(ctx, input);
  }

  @Mutation(() => Enterprise, {
    description:
      "Changes an enterprise's settings (ADMIN); settings left out keep their value. " +
      'The next shareDevices and addDevicesToShare are judged by the new settings.',
  })
  updateEnterpriseSettings(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: UpdateEnterpriseSettingsInput,
  ): Promise<Enterprise> {
    return this.enterpriseService.updateSettings(ctx, input);
  }

  @Mutation(() => MembershipInvitation, {
    description:
      'Invites an e-mail into an enterprise with a role (ADMIN); the invitee becomes a member only by accepting. ' +
      'Answers alike whether or not the e-mail has an account; inviting an e-mail again refreshes its pending invitation.',
  })
  addMember(@Ctx() ctx: RequestContext, @Arg('input') input: AddMemberInput): Promise<MembershipInvitation> {
    return this.enterpriseService.addMember(ctx, input);
  }

  @Query(() => MembershipInvitationConnection, {
    description: 'Invitations to your verified e-mail that you can still accept or decline, newest first.',
  })
  myMembershipInvitations(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ): Promise<Connection<MembershipInvitation>> {
    return this.enterpriseService.invitationsOfViewer(ctx, page);
  }

  @Mutation(() => Membership, { description: 'Joins the enterprise of an invitation to you, with its role.' })
  acceptMembership(
    @Ctx() ctx: RequestContext,
    @Arg('invitationId', () => ID) invitationId: string,
  ): Promise<Membership> {
    return this.enterpriseService.acceptInvitation(ctx, invitationId);
  }

  @Mutation(() => MembershipInvitation, { description: 'Declines an invitation to you.' })
  declineMembership(
    @Ctx() ctx: RequestContext,
    @Arg('invitationId', () => ID) invitationId: string,
  ): Promise<MembershipInvitation> {
    return this.enterpriseService.declineInvitation(ctx, invitationId);
  }

  @Mutation(() => MembershipInvitation, { description: 'Withdraws an unanswered invitation (ADMIN).' })
  revokeMembershipInvitation(
    @Ctx() ctx: RequestContext,
    @Arg('invitationId', () => ID) invitationId: string,
  ): Promise<MembershipInvitation> {
    return this.enterpriseService.revokeInvitation(ctx, invitationId);
  }

  @Mutation(() => Membership, { description: "Changes a member's role (ADMIN); the last ADMIN stays ADMIN." })
  setMemberRole(@Ctx() ctx: RequestContext, @Arg('input') input: SetMemberRoleInput): Promise<Membership> {
    return this.enterpriseService.setMemberRole(ctx, input);
  }

  @Mutation(() => Boolean, { description: 'Removes a member (ADMIN) or leaves (self); never the last ADMIN.' })
  removeMember(@Ctx() ctx: RequestContext, @Arg('input') input: RemoveMemberInput): Promise<boolean> {
    return this.enterpriseService.removeMember(ctx, input);
  }

  @FieldResolver(() => MembershipConnection, { nullable: true, description: 'Oldest first; visible to members.' })
  @ReadRule(FieldRule.EnterpriseMember)
  async members(
    @Root() enterprise: Enterprise,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ): Promise<Connection<Membership>> {
    return paginate(await ctx.loaders.of(membershipsOfEnterprise).load(enterprise.id), page);
  }

  @FieldResolver(() => MembershipInvitationConnection, {
    nullable: true,
    description: 'Invitations nobody has answered yet (EXPIRED ones too), newest first; visible to ADMINs.',
  })
  @ReadRule(FieldRule.EnterpriseMember)
  membershipInvitations(
    @Root() enterprise: Enterprise,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ): Promise<Connection<MembershipInvitation>> {
    return this.enterpriseService.invitationsOf(ctx, enterprise.id, page);
  }

  @FieldResolver(() => DeviceGroupConnection, {
    nullable: true,
    description: 'Every device group, parents before children; visible to members.',
  })
  @ReadRule(FieldRule.EnterpriseMember)
  async groups(
    @Root() enterprise: Enterprise,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ): Promise<Connection<DeviceGroup>> {
    return paginate(await ctx.loaders.of(groupsOfEnterprise).load(enterprise.id), page);
  }

  @FieldResolver(() => Role, { nullable: true, description: "The viewer's role here, if a member." })
  myRole(@Root() enterprise: Enterprise, @Ctx() ctx: RequestContext): Role | null {
    return ctx.roleIn(enterprise.id) ?? null;
  }
}

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => Account)
  account(@Root() membership: Membership, @Ctx() ctx: RequestContext): Promise<Account> {
    return ctx.loaders.of(accountById).load(membership.accountId);
  }

  @FieldResolver(() => Enterprise)
  enterprise(@Root() membership: Membership, @Ctx() ctx: RequestContext): Promise<Enterprise> {
    return ctx.loaders.of(enterpriseById).load(membership.enterpriseId);
  }
}

@Resolver(() => MembershipInvitation)
export class MembershipInvitationResolver {
  @FieldResolver(() => MembershipInvitationStatus)
  status(@Root() invitation: MembershipInvitation, @Ctx() ctx: RequestContext): MembershipInvitationStatus {
    return membershipInvitationStatus(invitation, ctx.clock.now());
  }

  @FieldResolver(() => Enterprise, { description: 'The enterprise it invites into (its name is for the invitee too).' })
  enterprise(@Root() invitation: MembershipInvitation, @Ctx() ctx: RequestContext): Promise<Enterprise> {
    return ctx.loaders.of(enterpriseById).load(invitation.enterpriseId);
  }

  @FieldResolver(() => Account, { description: 'The ADMIN who sent (or last renewed) it.' })
  invitedBy(@Root() invitation: MembershipInvitation, @Ctx() ctx: RequestContext): Promise<Account> {
    return ctx.loaders.of(accountById).load(invitation.invitedById);
  }
}
