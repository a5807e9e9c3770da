import { Arg, Args, Ctx, Field, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { EmailScalar } from '../../common/email.scalar';
import { FieldRule, ReadRule } from '../../context/field-rule';
import type { RequestContext } from '../../context/request-context';
import { PageArgs, paginate, type Connection } from '../../common/connection';
import { MembershipConnection } from '../enterprise/enterprise.resolver';
import type { Membership } from '../enterprise/membership.entity';
import { Account } from './account.entity';
import { SignUpInput } from './account.inputs';
import type { AccountService } from './account.service';
import { membershipsOfAccount } from '../enterprise/enterprise.loaders';

@ObjectType({ description: 'A logged-in session: send the token as `Authorization: Bearer <token>`.' })
class AuthPayload {
  @Field()
  token: string;

  @Field(() => Account)
  account: Account;
}

@Resolver(() => Account)
export class AccountResolver {
  constructor(private readonly accountService: AccountService) {}

  @Query(() => Account, { description: 'The logged-in account.' })
  me(@Ctx() ctx: RequestContext): Account {
    return ctx.requireViewer().account;
  }

  @Mutation(() => AuthPayload, { description: 'Creates an account and logs it in.' })
  signUp(@Ctx() ctx: RequestContext, @Arg('input') input: SignUpInput): Promise<AuthPayload> {
    return this.accountService.signUp(ctx, input);
  }

  @Mutation(() => AuthPayload, { description: 'Logs in; a wrong e-mail or password answers UNAUTHENTICATED.' })
  logIn(
    @Ctx() ctx: RequestContext,
    @Arg('email', () => EmailScalar) email: string,
    @Arg('password') password: string,
  ): Promise<AuthPayload> {
    return this.accountService.logIn(ctx, email, password);
  }

  @Mutation(() => Account, {
    description:
      "Proves the logged-in account's e-mail with the token of its verification mail; shares addressed to the e-mail become visible and acceptable.",
  })
  verifyEmail(@Ctx() ctx: RequestContext, @Arg('token') token: string): Promise<Account> {
    return this.accountService.verifyEmail(ctx, token);
  }

  @Mutation(() => Boolean, {
    description: 'Sends the verification mail again (a few times per hour); false when the e-mail is already verified.',
  })
  resendEmailVerification(@Ctx() ctx: RequestContext): Promise<boolean> {
    return this.accountService.resendEmailVerification(ctx);
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description: 'Whether the owner has proved the e-mail (verifyEmail); visible to the account itself.',
  })
  @ReadRule(FieldRule.AccountSelf)
  emailVerified(@Root() account: Account): boolean {
    return account.emailVerifiedAt !== null;
  }

  @FieldResolver(() => MembershipConnection, {
    nullable: true,
    description: 'Oldest first; visible to the account itself.',
  })
  @ReadRule(FieldRule.AccountSelf)
  async memberships(
    @Root() account: Account,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ): Promise<Connection<Membership>> {
    return paginate(await ctx.loaders.of(membershipsOfAccount).load(account.id), page);
  }
}
