import { MigrationInterface, QueryRunner } from 'typeorm';

export class Sharing1795490111473 implements MigrationInterface {
  name = 'Sharing1795490111473';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "counter" ("name" varchar(64) PRIMARY KEY NOT NULL, "value" bigint NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "outbox_message" ("id" varchar PRIMARY KEY NOT NULL, "to" varchar(254) NOT NULL, "template" varchar(32) NOT NULL, "payload" text NOT NULL, "createdAt" datetime NOT NULL, "sentAt" datetime, "attempts" integer NOT NULL DEFAULT (0), "nextAttemptAt" datetime NOT NULL, "lastError" varchar(500))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e54edfc925535616fb7b5e4442" ON "outbox_message" ("sentAt", "nextAttemptAt") `,
    );
    await queryRunner.query(
      `CREATE TABLE "share_event" ("cursor" bigint PRIMARY KEY NOT NULL, "shareId" varchar NOT NULL, "type" varchar(32) NOT NULL, "deviceIds" text NOT NULL, "previousStatus" varchar(16), "status" varchar(16) NOT NULL, "actorId" varchar, "at" datetime NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_2d7f2d2544db71d6a4d4454ff9" ON "share_event" ("shareId", "cursor") `);
    await queryRunner.query(
      `CREATE TABLE "share" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "sharerId" varchar NOT NULL, "recipientEmail" varchar(254) NOT NULL, "recipientId" varchar, "receivingEnterpriseId" varchar, "permissions" text NOT NULL, "expiresAt" datetime, "invitationExpiresAt" datetime NOT NULL, "description" varchar(500), "status" varchar(16) NOT NULL, "linkNonce" varchar(64) NOT NULL, "codeNonce" varchar(64) NOT NULL, "codeFailures" integer NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL, "updatedAt" datetime NOT NULL, "acceptedAt" datetime, "endedAt" datetime)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_fedea69a362c25813a3ff18ab3" ON "share" ("status", "invitationExpiresAt") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e48d05ffa75d94bb450b4eca26" ON "share" ("status", "expiresAt") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_c3c7ba26b02bb05a88e2f9d495" ON "share" ("receivingEnterpriseId", "status") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_cf37d3a2073bb0bf3a80dc2895" ON "share" ("recipientEmail", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_90b699de028e3bf831e461d419" ON "share" ("enterpriseId", "id") `);
    await queryRunner.query(
      `CREATE TABLE "shared_device" ("id" varchar PRIMARY KEY NOT NULL, "shareId" varchar NOT NULL, "deviceId" varchar NOT NULL, "status" varchar(16) NOT NULL, "addedAt" datetime NOT NULL, "endedAt" datetime)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_d73862d0b34ac7bffbd9389bcb" ON "shared_device" ("shareId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_8605a3c3ae8e6998256fb75146" ON "shared_device" ("deviceId", "status") `);
    await queryRunner.query(`DROP INDEX "IDX_fedea69a362c25813a3ff18ab3"`);
    await queryRunner.query(`DROP INDEX "IDX_e48d05ffa75d94bb450b4eca26"`);
    await queryRunner.query(`DROP INDEX "IDX_c3c7ba26b02bb05a88e2f9d495"`);
    await queryRunner.query(`DROP INDEX "IDX_cf37d3a2073bb0bf3a80dc2895"`);
    await queryRunner.query(`DROP INDEX "IDX_90b699de028e3bf831e461d419"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_share" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "sharerId" varchar NOT NULL, "recipientEmail" varchar(254) NOT NULL, "recipientId" varchar, "receivingEnterpriseId" varchar, "permissions" text NOT NULL, "expiresAt" datetime, "invitationExpiresAt" datetime NOT NULL, "description" varchar(500), "status" varchar(16) NOT NULL, "linkNonce" varchar(64) NOT NULL, "codeNonce" varchar(64) NOT NULL, "codeFailures" integer NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL, "updatedAt" datetime NOT NULL, "acceptedAt" datetime, "endedAt" datetime, CONSTRAINT "FK_848dda12069127f3d775c6c02d0" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_cc43a5b36ec8d5173c3b66bcf22" FOREIGN KEY ("sharerId") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_share"("enterpriseId", "id", "sharerId", "recipientEmail", "recipientId", "receivingEnterpriseId", "permissions", "expiresAt", "invitationExpiresAt", "description", "status", "linkNonce", "codeNonce", "codeFailures", "createdAt", "updatedAt", "acceptedAt", "endedAt") SELECT "enterpriseId", "id", "sharerId", "recipientEmail", "recipientId", "receivingEnterpriseId", "permissions", "expiresAt", "invitationExpiresAt", "description", "status", "linkNonce", "codeNonce", "codeFailures", "createdAt", "updatedAt", "acceptedAt", "endedAt" FROM "share"`,
    );
    await queryRunner.query(`DROP TABLE "share"`);
    await queryRunner.query(`ALTER TABLE "temporary_share" RENAME TO "share"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_fedea69a362c25813a3ff18ab3" ON "share" ("status", "invitationExpiresAt") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e48d05ffa75d94bb450b4eca26" ON "share" ("status", "expiresAt") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_c3c7ba26b02bb05a88e2f9d495" ON "share" ("receivingEnterpriseId", "status") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_cf37d3a2073bb0bf3a80dc2895" ON "share" ("recipientEmail", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_90b699de028e3bf831e461d419" ON "share" ("enterpriseId", "id") `);
    await queryRunner.query(`DROP INDEX "IDX_d73862d0b34ac7bffbd9389bcb"`);
    await queryRunner.query(`DROP INDEX "IDX_8605a3c3ae8e6998256fb75146"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_shared_device" ("id" varchar PRIMARY KEY NOT NULL, "shareId" varchar NOT NULL, "deviceId" varchar NOT NULL, "status" varchar(16) NOT NULL, "addedAt" datetime NOT NULL, "endedAt" datetime, CONSTRAINT "FK_8f44e424f88963572911531314a" FOREIGN KEY ("shareId") REFERENCES "share" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_shared_device"("id", "shareId", "deviceId", "status", "addedAt", "endedAt") SELECT "id", "shareId", "deviceId", "status", "addedAt", "endedAt" FROM "shared_device"`,
    );
    await queryRunner.query(`DROP TABLE "shared_device"`);
    await queryRunner.query(`ALTER TABLE "temporary_shared_device" RENAME TO "shared_device"`);
    await queryRunner.query(`CREATE INDEX "IDX_d73862d0b34ac7bffbd9389bcb" ON "shared_device" ("shareId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_8605a3c3ae8e6998256fb75146" ON "shared_device" ("deviceId", "status") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_8605a3c3ae8e6998256fb75146"`);
    await queryRunner.query(`DROP INDEX "IDX_d73862d0b34ac7bffbd9389bcb"`);
    await queryRunner.query(`ALTER TABLE "shared_device" RENAME TO "temporary_shared_device"`);
    await queryRunner.query(
      `CREATE TABLE "shared_device" ("id" varchar PRIMARY KEY NOT NULL, "shareId" varchar NOT NULL, "deviceId" varchar NOT NULL, "status" varchar(16) NOT NULL, "addedAt" datetime NOT NULL, "endedAt" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "shared_device"("id", "shareId", "deviceId", "status", "addedAt", "endedAt") SELECT "id", "shareId", "deviceId", "status", "addedAt", "endedAt" FROM "temporary_shared_device"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_shared_device"`);
    await queryRunner.query(`CREATE INDEX "IDX_8605a3c3ae8e6998256fb75146" ON "shared_device" ("deviceId", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_d73862d0b34ac7bffbd9389bcb" ON "shared_device" ("shareId", "id") `);
    await queryRunner.query(`DROP INDEX "IDX_90b699de028e3bf831e461d419"`);
    await queryRunner.query(`DROP INDEX "IDX_cf37d3a2073bb0bf3a80dc2895"`);
    await queryRunner.query(`DROP INDEX "IDX_c3c7ba26b02bb05a88e2f9d495"`);
    await queryRunner.query(`DROP INDEX "IDX_e48d05ffa75d94bb450b4eca26"`);
    await queryRunner.query(`DROP INDEX "IDX_fedea69a362c25813a3ff18ab3"`);
    await queryRunner.query(`ALTER TABLE "share" RENAME TO "temporary_share"`);
    await queryRunner.query(
      `CREATE TABLE "share" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "sharerId" varchar NOT NULL, "recipientEmail" varchar(254) NOT NULL, "recipientId" varchar, "receivingEnterpriseId" varchar, "permissions" text NOT NULL, "expiresAt" datetime, "invitationExpiresAt" datetime NOT NULL, "description" varchar(500), "status" varchar(16) NOT NULL, "linkNonce" varchar(64) NOT NULL, "codeNonce" varchar(64) NOT NULL, "codeFailures" integer NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL, "updatedAt" datetime NOT NULL, "acceptedAt" datetime, "endedAt" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "share"("enterpriseId", "id", "sharerId", "recipientEmail", "recipientId", "receivingEnterpriseId", "permissions", "expiresAt", "invitationExpiresAt", "description", "status", "linkNonce", "codeNonce", "codeFailures", "createdAt", "updatedAt", "acceptedAt", "endedAt") SELECT "enterpriseId", "id", "sharerId", "recipientEmail", "recipientId", "receivingEnterpriseId", "permissions", "expiresAt", "invitationExpiresAt", "description", "status", "linkNonce", "codeNonce", "codeFailures", "createdAt", "updatedAt", "acceptedAt", "endedAt" FROM "temporary_share"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_share"`);
    await queryRunner.query(`CREATE INDEX "IDX_90b699de028e3bf831e461d419" ON "share" ("enterpriseId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_cf37d3a2073bb0bf3a80dc2895" ON "share" ("recipientEmail", "status") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_c3c7ba26b02bb05a88e2f9d495" ON "share" ("receivingEnterpriseId", "status") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e48d05ffa75d94bb450b4eca26" ON "share" ("status", "expiresAt") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_fedea69a362c25813a3ff18ab3" ON "share" ("status", "invitationExpiresAt") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_8605a3c3ae8e6998256fb75146"`);
    await queryRunner.query(`DROP INDEX "IDX_d73862d0b34ac7bffbd9389bcb"`);
    await queryRunner.query(`DROP TABLE "shared_device"`);
    await queryRunner.query(`DROP INDEX "IDX_90b699de028e3bf831e461d419"`);
    await queryRunner.query(`DROP INDEX "IDX_cf37d3a2073bb0bf3a80dc2895"`);
    await queryRunner.query(`DROP INDEX "IDX_c3c7ba26b02bb05a88e2f9d495"`);
    await queryRunner.query(`DROP INDEX "IDX_e48d05ffa75d94bb450b4eca26"`);
    await queryRunner.query(`DROP INDEX "IDX_fedea69a362c25813a3ff18ab3"`);
    await queryRunner.query(`DROP TABLE "share"`);
    await queryRunner.query(`DROP INDEX "IDX_2d7f2d2544db71d6a4d4454ff9"`);
    await queryRunner.query(`DROP TABLE "share_event"`);
    await queryRunner.query(`DROP INDEX "IDX_e54edfc925535616fb7b5e4442"`);
    await queryRunner.query(`DROP TABLE "outbox_message"`);
    await queryRunner.query(`DROP TABLE "counter"`);
  }
}
