import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every ended share says why (endReason), and so does the event that ended it; that event has the
 * share-level type (CANCELLED or EXPIRED) even when a device removal ended the share.
 *
 * Shares that ended before this migration get the reason that can be derived from what they kept:
 * an EXPIRED share INVITATION_EXPIRED when it was never accepted, else EXPIRED; a CANCELLED share
 * ALL_DEVICES_REMOVED or DEVICE_DELETED when the device that went with it (ended at the same
 * instant) was REMOVED or DELETED, else CANCELLED_BY_SHARER (cancelShare, cancelSharesTo, or the
 * last device cancelled: declining and leaving did not exist). Their ending events get the same
 * reason, and those that were still device-level (DEVICES_CANCELLED, DEVICE_REMOVED) become CANCELLED.
 */
export class ShareEndReason1796115060735 implements MigrationInterface {
  name = 'ShareEndReason1796115060735';

  /**
   * Two nullable columns added in place (not the table rebuild TypeORM generates): renaming "share"
   * aside would make shared_device's foreign key follow the renamed table (SQLite ≥ 3.26).
   */
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "share_event" ADD COLUMN "endReason" varchar(32)`);
    await queryRunner.query(`ALTER TABLE "share" ADD COLUMN "endReason" varchar(32)`);

    // Existing ended shares and their ending events (see above).
    await queryRunner.query(
      `UPDATE "share" SET "endReason" = CASE WHEN "acceptedAt" IS NULL THEN 'INVITATION_EXPIRED' ELSE 'EXPIRED' END WHERE "status" = 'EXPIRED'`,
    );
    await queryRunner.query(
      `UPDATE "share" SET "endReason" = CASE ` +
        `WHEN EXISTS (SELECT 1 FROM "shared_device" "sd" WHERE "sd"."shareId" = "share"."id" AND "sd"."endedAt" = "share"."endedAt" AND "sd"."status" = 'REMOVED') THEN 'ALL_DEVICES_REMOVED' ` +
        `WHEN EXISTS (SELECT 1 FROM "shared_device" "sd" WHERE "sd"."shareId" = "share"."id" AND "sd"."endedAt" = "share"."endedAt" AND "sd"."status" = 'DELETED') THEN 'DEVICE_DELETED' ` +
        `ELSE 'CANCELLED_BY_SHARER' END WHERE "status" = 'CANCELLED'`,
    );
    await queryRunner.query(
      `UPDATE "share_event" SET "endReason" = (SELECT "share"."endReason" FROM "share" WHERE "share"."id" = "share_event"."shareId") ` +
        `WHERE "previousStatus" IN ('PENDING', 'ACTIVE') AND "status" IN ('CANCELLED', 'EXPIRED')`,
    );
    await queryRunner.query(
      `UPDATE "share_event" SET "type" = 'CANCELLED' ` +
        `WHERE "type" IN ('DEVICES_CANCELLED', 'DEVICE_REMOVED') AND "previousStatus" IN ('PENDING', 'ACTIVE') AND "status" = 'CANCELLED'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Ending events go back to the device-level types the code before this migration wrote, where
    // the reason tells (a last device cancelled by the sharer stays CANCELLED: it cannot be told apart).
    await queryRunner.query(
      `UPDATE "share_event" SET "type" = 'DEVICE_REMOVED' WHERE "type" = 'CANCELLED' AND "endReason" = 'ALL_DEVICES_REMOVED'`,
    );
    await queryRunner.query(
      `UPDATE "share_event" SET "type" = 'DEVICES_CANCELLED' WHERE "type" = 'CANCELLED' AND "endReason" = 'DEVICE_DELETED'`,
    );
    await queryRunner.query(`ALTER TABLE "share" DROP COLUMN "endReason"`);
    await queryRunner.query(`ALTER TABLE "share_event" DROP COLUMN "endReason"`);
  }
}
