import type { Logger } from 'pino';
import type { ContainerType } from 'type-graphql';
import type { Clock } from './common/clock';
import { RateLimits } from './common/rate-limits';
import type { Config } from './config';
import { Changes } from './context/change';
import { ContextFactory } from './context/request-context';
import type { Database } from './database/database';
import { AccountResolver } from './modules/account/account.resolver';
import { AccountService } from './modules/account/account.service';
import { accountMailRenderers } from './modules/account/account-mails';
import { AuthTokenService } from './modules/account/auth-token.service';
import { EmailVerifications } from './modules/account/email-verification';
import { LoginThrottle } from './modules/account/login-throttle';
import { AccountViewers } from './modules/account/viewers';
import { PasswordHasher } from './modules/account/password';
import { AuditResolver } from './modules/audit/audit.resolver';
import { AuditService } from './modules/audit/audit.service';
import { DeviceOperationResolver } from './modules/device/device-operation.resolver';
import { DeviceOperationService } from './modules/device/device-operation.service';
import { DeviceResolver } from './modules/device/device.resolver';
import { DeviceService } from './modules/device/device.service';
import { DeviceDeleted, DevicePlanChanged } from './modules/device/device-facts';
import { EnterpriseResolver } from './modules/enterprise/enterprise.resolver';
import { EnterpriseService } from './modules/enterprise/enterprise.service';
import { membershipInvitationMail } from './modules/enterprise/membership-invitation-mail';
import { enqueueMail } from './modules/mail/mail-outbox';
import { createMailSender, createMailTransport } from './modules/mail/mail-sender';
import { createShareExpiryScheduler } from './modules/share/share-expiry.scheduler';
import { RedisShareEventBus } from './modules/share/events/redis-share-event-bus';
import { InProcessShareEventBus } from './modules/share/events/share-event-bus';
import { createShareEventPruner, createShareEventPublisher } from './modules/share/events/share-event-publisher';
import { ShareEventResolver } from './modules/share/events/share-event.resolver';
import { ShareEventService } from './modules/share/events/share-event.service';
import { ShareInvitations } from './modules/share/share-invitation';
import { ShareInvitationResolver } from './modules/share/share-invitation.resolver';
import { INVALID_PREVIEWS_PER_ADDRESS, ShareInvitationService } from './modules/share/share-invitation.service';
import { shareMailRenderers } from './modules/share/share-mails';
import { ShareDeviceResolver } from './modules/share/share-device.resolver';
import { ShareQueryService } from './modules/share/share-query.service';
import { ShareResolver } from './modules/share/share.resolver';
import { devicesAccess } from './modules/share/device-reach';
import { ShareAcceptance } from './modules/share/share-acceptance';
import { ShareCommands } from './modules/share/share-commands';
import { ShareDeadlines } from './modules/share/share-deadlines';
import { ShareDeviceReactions } from './modules/share/share-device-reactions';
import { ShareEligibility } from './modules/share/share-eligibility';
import { ShareSteps } from './modules/share/share-steps';

export type Services = ReturnType<typeof createServices>;

/**
 * The composition of the app: every service, background loop and reaction wired once, and the
 * resolvers handed their services. app.ts starts and stops what this makes.
 */
export function createServices(
  db: Database,
  config: Config,
  clock: Clock,
  log: Logger,
  { loaderBatching = true, liveBuffer }: { loaderBatching?: boolean; liveBuffer?: number },
) {
  const audit = new AuditService(db);
  // The one change pipeline: after-commit work hangs off what a change wrote (hooks below).
  const changes = new Changes(db, {
    audit: (change, entry) => audit.record(change, entry),
    mail: enqueueMail,
  });
  const rateLimits = new RateLimits(
    config.redisUrl ? { url: config.redisUrl, namespace: config.redisChannel } : undefined,
    log,
  );
  const tokens = new AuthTokenService(config.jwtSecret, config.jwtTtlSeconds, clock);
  const enterprises = new EnterpriseService(db, changes);
  const invitations = new ShareInvitations(config.jwtSecret, config.publicUrl);
  const verifications = new EmailVerifications(config.jwtSecret, config.publicUrl);
  const shareSteps = new ShareSteps(db);
  const eligibility = new ShareEligibility(db, changes, config.shareMaxRecipients);
  const shares = new ShareCommands(db, changes, shareSteps, eligibility, invitations);
  const acceptance = new ShareAcceptance(
    db,
    changes,
    shareSteps,
    enterprises,
    invitations,
    rateLimits.limiter(
      'share-accept-attempts',
      { points: config.accountLimits.acceptShareFailuresPerAccount, durationSeconds: 15 * 60 },
      'failed attempts to accept a share',
    ),
  );
  // What the shares of a device do when it is deleted or changes plan, inside that device change.
  const deviceReactions = new ShareDeviceReactions(shareSteps);
  changes.react(DeviceDeleted, (change, { deviceId }) => deviceReactions.deviceDeleted(change, deviceId));
  changes.react(DevicePlanChanged, (change, { device, from }) => deviceReactions.planChanged(change, device, from));
  const deadlines = new ShareDeadlines(db, changes, shareSteps, config.shareExpiryWarningHours * 3600 * 1000);
  const bus = config.redisUrl
    ? new RedisShareEventBus(config.redisUrl, log, config.redisChannel)
    : new InProcessShareEventBus();
  const events = new ShareEventService(db, bus, liveBuffer);
  const contexts = new ContextFactory(
    db,
    new AccountViewers(db, tokens),
    log,
    clock,
    { shareEvents: (ctx, filter) => events.stream(ctx, filter) },
    loaderBatching,
  );
  const publisher = createShareEventPublisher(db, bus, clock, log);
  changes.afterCommit('shareEvent', () => publisher.wake());
  // One renderer per e-mail template (see MailRenderer): a module that sends e-mail adds its own here.
  const mail = createMailSender(db, createMailTransport(config.smtpUrl, config.mailFrom, log), clock, log, {
    ...shareMailRenderers(invitations),
    ...accountMailRenderers(verifications),
    membership_invitation: membershipInvitationMail(clock),
  });
  changes.afterCommit('mail', () => mail.wake());
  const { loginFailuresBeforeDelay, loginFailuresPerAddress, signUpsPerAddress } = config.accountLimits;
  const loginThrottle = new LoginThrottle(rateLimits, {
    failuresBeforeDelay: loginFailuresBeforeDelay,
    failuresPerAddress: loginFailuresPerAddress,
  });
  const accounts = new AccountService(
    db,
    changes,
    tokens,
    new PasswordHasher(config.passwordHashLog2Cost),
    loginThrottle,
    {
      signUps: rateLimits.limiter(
        'sign-ups-per-address',
        { points: signUpsPerAddress, durationSeconds: 3600 },
        'sign-ups from your address',
      ),
      verificationMails: rateLimits.limiter(
        'verification-mails-per-account',
        { points: 5, durationSeconds: 3600 },
        'verification e-mails',
      ),
    },
    verifications,
  );
  return {
    audit,
    tokens,
    contexts,
    expiry: createShareExpiryScheduler(deadlines, changes, contexts, clock, log),
    mail,
    bus,
    events,
    publisher,
    pruner: createShareEventPruner(events, config.shareEventRetentionDays, clock, log),
    rateLimits,
    accounts,
    verifications,
    enterprises,
    devices: new DeviceService(db, changes, devicesAccess),
    operations: new DeviceOperationService(changes, devicesAccess),
    shares,
    acceptance,
    eligibility,
    shareQueries: new ShareQueryService(db),
    shareInvitations: new ShareInvitationService(
      db,
      invitations,
      rateLimits.limiter(
        'share-invitation-invalid-previews',
        INVALID_PREVIEWS_PER_ADDRESS,
        'invitation previews with a link that is not valid',
      ),
    ),
  };
}

/** Hands type-graphql the resolver instances wired to this app's services. */
export function resolverContainer(services: Services): ContainerType {
  const instances = new Map<unknown, unknown>([
    [AccountResolver, new AccountResolver(services.accounts)],
    [EnterpriseResolver, new EnterpriseResolver(services.enterprises)],
    [DeviceResolver, new DeviceResolver(services.devices)],
    [AuditResolver, new AuditResolver(services.audit)],
    [
      ShareResolver,
      new ShareResolver(services.shares, services.acceptance, services.eligibility, services.shareQueries),
    ],
    [ShareDeviceResolver, new ShareDeviceResolver(services.shareQueries)],
    [ShareEventResolver, new ShareEventResolver(services.events)],
    [ShareInvitationResolver, new ShareInvitationResolver(services.shareInvitations)],
    [DeviceOperationResolver, new DeviceOperationResolver(services.operations)],
  ]);
  return { get: (type: new () => unknown) => instances.get(type) ?? new type() };
}
