/*
 * Who may see, manage and receive a share, and through which shares a device reaches its
 * recipient (SPEC §2, §4, §5). Each rule is here once, in its two forms side by side: a predicate
 * over loaded rows and the SQL scope that selects the same rows (test/e2e/share/access-rules.e2e.test.ts
 * holds them equal). Everything that answers "may this viewer …" about shares uses one of them.
 */
import { anyOf, type AccessRule, type Actor } from '../../common/access';
import { Role } from '../../common/roles';
import { SharedDeviceStatus, ShareStatus } from './share-lifecycle';

/** What the rules read of a share. */
export interface ShareFacts {
  sharerId: string;
  enterpriseId: string;
  recipientId: string | null;
  recipientEmail: string;
  receivingEnterpriseId: string | null;
  status: ShareStatus;
}

/** The alias of the share table in a query a share rule scopes. */
export interface ShareAlias {
  share: string;
}

const adminOf = (actor: Actor): string[] =>
  [...actor.roles].filter(([, role]) => role === Role.ADMIN).map(([enterpriseId]) => enterpriseId);

/** The accepted share is the actor's, and the actor acts in the enterprise it was accepted into. */
const acceptedByActingActor = (actor: Actor, share: ShareFacts): boolean =>
  share.recipientId === actor.accountId &&
  share.receivingEnterpriseId !== null &&
  share.receivingEnterpriseId === actor.actingEnterpriseId;

const acceptedByActingActorSql = (actor: Actor, share: string): string | false =>
  actor.actingEnterpriseId !== null &&
  `${share}.recipientId = :accessAccountId AND ${share}.receivingEnterpriseId = :accessActingEnterpriseId`;

const actorParams = (actor: Actor) => ({
  accessAccountId: actor.accountId,
  accessVerifiedEmail: actor.verifiedEmail,
  accessActingEnterpriseId: actor.actingEnterpriseId,
  accessAdminOf: adminOf(actor),
});

/** The sharer and the ADMINs of the sharer's enterprise manage a share (cancel it, extend it, …). */
export const manageShare: AccessRule<ShareFacts, ShareAlias> = {
  allows: (actor, share) => share.sharerId === actor.accountId || actor.roles.get(share.enterpriseId) === Role.ADMIN,
  scope: (actor, { share }) => ({
    where: anyOf([
      `${share}.sharerId = :accessAccountId`,
      adminOf(actor).length > 0 && `${share}.enterpriseId IN (:...accessAdminOf)`,
    ]),
    params: actorParams(actor),
  }),
};

/**
 * The recipient's side. An invitation (not accepted yet) is the recipient's wherever it acts,
 * matched by its proven e-mail. An accepted share belongs to the enterprise it was accepted into:
 * it is the recipient's only while acting in that enterprise. A share is a grant to one person:
 * the other members of the receiving enterprise get nothing through it.
 */
export const receiveShare: AccessRule<ShareFacts, ShareAlias> = {
  allows: (actor, share) =>
    share.recipientId === null
      ? actor.verifiedEmail !== null && share.recipientEmail === actor.verifiedEmail
      : acceptedByActingActor(actor, share),
  scope: (actor, { share }) => ({
    where: anyOf([
      actor.verifiedEmail !== null && `${share}.recipientId IS NULL AND ${share}.recipientEmail = :accessVerifiedEmail`,
      acceptedByActingActorSql(actor, share),
    ]),
    params: actorParams(actor),
  }),
};

/** Who sees a share, its events and its parties: those who manage it, and its recipient. */
export const seeShare: AccessRule<ShareFacts, ShareAlias> = {
  allows: (actor, share) => manageShare.allows(actor, share) || receiveShare.allows(actor, share),
  scope: (actor, aliases) => ({
    where: anyOf([manageShare.scope(actor, aliases).where, receiveShare.scope(actor, aliases).where]),
    params: actorParams(actor),
  }),
};

/** What the device rule reads of one device of a share. */
export interface SharedDeviceFacts {
  status: SharedDeviceStatus;
}

/**
 * A device reaches its recipient through an ACTIVE share in which it is ACTIVE, while the
 * recipient acts in the enterprise the share was accepted into (SPEC §2 "Accepting", §3).
 */
export const receiveDevice: AccessRule<
  { share: ShareFacts; sharedDevice: SharedDeviceFacts },
  ShareAlias & { sharedDevice: string }
> = {
  allows: (actor, { share, sharedDevice }) =>
    share.status === ShareStatus.ACTIVE &&
    sharedDevice.status === SharedDeviceStatus.ACTIVE &&
    acceptedByActingActor(actor, share),
  scope: (actor, { share, sharedDevice }) => {
    const accepted = acceptedByActingActorSql(actor, share);
    return {
      where: accepted
        ? `(${share}.status = :accessActiveShare AND ${sharedDevice}.status = :accessActiveDevice AND ${accepted})`
        : anyOf([]),
      params: {
        ...actorParams(actor),
        accessActiveShare: ShareStatus.ACTIVE,
        accessActiveDevice: SharedDeviceStatus.ACTIVE,
      },
    };
  },
};
