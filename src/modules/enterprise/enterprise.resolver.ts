import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, PageArgs, paginate, type Connection } from '../../common/connection';
import { Role } from '../../common/roles';
import { FieldRule } from '../../context/field-rule';
import type { RequestContext } from '../../context/request-context';
import { Account } from '../account/account.entity';
import { DeviceGroup } from '../device/device-group.entity';
import { DeviceGroupConnection } from '../device/device.resolver';
import { Enterprise } from './enterprise.entity';
import { AddMemberInput, CreateEnterpriseInput, RemoveMemberInput, SetMemberRoleInput } from './enterprise.inputs';
import type { EnterpriseService } from './enterprise.service';
import { Membership } from './membership.entity';

export const MembershipConnection = ConnectionType(Membership);

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

  @Mutation(() => Membership, { description: 'Adds an existing account to an enterprise (ADMIN).' })
  addMember(@Ctx() ctx: RequestContext, @Arg('input') input: AddMemberInput): Promise<Membership> {
    return this.enterpriseService.addMember(ctx, input);
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
  @Authorized(FieldRule.EnterpriseMember)
  async members(
    @Root() enterprise: Enterprise,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ): Promise<Connection<Membership>> {
    return paginate(await ctx.loaders.membershipsOfEnterprise.load(enterprise.id), page);
  }

  @FieldResolver(() => DeviceGroupConnection, {
    nullable: true,
    description: 'Every device group, parents before children; visible to members.',
  })
  @Authorized(FieldRule.EnterpriseMember)
  async groups(
    @Root() enterprise: Enterprise,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ): Promise<Connection<DeviceGroup>> {
    return paginate(await ctx.loaders.groupsOfEnterprise.load(enterprise.id), page);
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
    return ctx.loaders.account.load(membership.accountId);
  }

  @FieldResolver(() => Enterprise)
  enterprise(@Root() membership: Membership, @Ctx() ctx: RequestContext): Promise<Enterprise> {
    return ctx.loaders.enterprise.load(membership.enterpriseId);
  }
}
