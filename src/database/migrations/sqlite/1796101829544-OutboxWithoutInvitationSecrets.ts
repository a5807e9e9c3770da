import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitation e-mails used to be queued with their link and confirmation code in the payload; they
 * are now rendered when sent, from the share id alone. Queued and sent messages keep only that.
 */
export class OutboxWithoutInvitationSecrets1796101829544 implements MigrationInterface {
  name = 'OutboxWithoutInvitationSecrets1796101829544';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "outbox_message" SET "payload" = json_object('shareId', json_extract("payload", '$.shareId')) WHERE "template" = 'invitation'`,
    );
  }

  /** Nothing to undo: the secrets are gone, and the renderer needs only the share id. */
  public async down(): Promise<void> {}
}
