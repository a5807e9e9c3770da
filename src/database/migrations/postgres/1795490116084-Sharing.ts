import { MigrationInterface, QueryRunner } from 'typeorm';

export class Sharing1795490116084 implements MigrationInterface {
  name = 'Sharing1795490116084';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "counter" ("name" character varying(64) NOT NULL, "value" bigint NOT NULL, CONSTRAINT "PK_0dbbc0f411f4517f614933da0c3" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "outbox_message" ("id" uuid NOT NULL, "to" character varying(254) NOT NULL, "template" character varying(32) NOT NULL, "payload" text NOT NULL, "createdAt" TIMESTAMP NOT NULL, "sentAt" TIMESTAMP, "attempts" integer NOT NULL DEFAULT '0', "nextAttemptAt" TIMESTAMP NOT NULL, "lastError" character varying(500), CONSTRAINT "PK_2f36ee5236f2793f3e7bd554589" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e54edfc925535616fb7b5e4442" ON "outbox_message"  ("sentAt", "nextAttemptAt") `,
    );
    await queryRunner.query(
      `CREATE TABLE "share_event" ("cursor" bigint NOT NULL, "shareId" uuid NOT NULL, "type" character varying(32) NOT NULL, "deviceIds" text NOT NULL, "previousStatus" character varying(16), "status" character varying(16) NOT NULL, "actorId" uuid, "at" TIMESTAMP NOT NULL, CONSTRAINT "PK_3a8d45b0f3dbc6fa1ddf3ed36ad" PRIMARY KEY ("cursor"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_2d7f2d2544db71d6a4d4454ff9" ON "share_event"  ("shareId", "cursor") `);
    await queryRunner.query(
      `CREATE TABLE "share" ("enterpriseId" uuid NOT NULL, "id" uuid NOT NULL, "sharerId" uuid NOT NULL, "recipientEmail" character varying(254) NOT NULL, "recipientId" uuid, "receivingEnterpriseId" uuid, "permissions" text NOT NULL, "expiresAt" TIMESTAMP, "invitationExpiresAt" TIMESTAMP NOT NULL, "description" character varying(500), "status" character varying(16) NOT NULL, "linkNonce" character varying(64) NOT NULL, "codeNonce" character varying(64) NOT NULL, "codeFailures" integer NOT NULL DEFAULT '0', "createdAt" TIMESTAMP NOT NULL, "updatedAt" TIMESTAMP NOT NULL, "acceptedAt" TIMESTAMP, "endedAt" TIMESTAMP, CONSTRAINT "PK_67a2b28d2cff31834bc2aa1ed7c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_fedea69a362c25813a3ff18ab3" ON "share"  ("status", "invitationExpiresAt") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e48d05ffa75d94bb450b4eca26" ON "share"  ("status", "expiresAt") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_c3c7ba26b02bb05a88e2f9d495" ON "share"  ("receivingEnterpriseId", "status") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_cf37d3a2073bb0bf3a80dc2895" ON "share"  ("recipientEmail", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_90b699de028e3bf831e461d419" ON "share"  ("enterpriseId", "id") `);
    await queryRunner.query(
      `CREATE TABLE "shared_device" ("id" uuid NOT NULL, "shareId" uuid NOT NULL, "deviceId" uuid NOT NULL, "status" character varying(16) NOT NULL, "addedAt" TIMESTAMP NOT NULL, "endedAt" TIMESTAMP, CONSTRAINT "PK_b68e438dd68dfe9ab9ae1832e5c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_d73862d0b34ac7bffbd9389bcb" ON "shared_device"  ("shareId", "id") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_8605a3c3ae8e6998256fb75146" ON "shared_device"  ("deviceId", "status") `,
    );
    await queryRunner.query(
      `ALTER TABLE "share" ADD CONSTRAINT "FK_848dda12069127f3d775c6c02d0" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "share" ADD CONSTRAINT "FK_cc43a5b36ec8d5173c3b66bcf22" FOREIGN KEY ("sharerId") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shared_device" ADD CONSTRAINT "FK_8f44e424f88963572911531314a" FOREIGN KEY ("shareId") REFERENCES "share"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shared_device" DROP CONSTRAINT "FK_8f44e424f88963572911531314a"`);
    await queryRunner.query(`ALTER TABLE "share" DROP CONSTRAINT "FK_cc43a5b36ec8d5173c3b66bcf22"`);
    await queryRunner.query(`ALTER TABLE "share" DROP CONSTRAINT "FK_848dda12069127f3d775c6c02d0"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_8605a3c3ae8e6998256fb75146"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d73862d0b34ac7bffbd9389bcb"`);
    await queryRunner.query(`DROP TABLE "shared_device"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_90b699de028e3bf831e461d419"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cf37d3a2073bb0bf3a80dc2895"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_c3c7ba26b02bb05a88e2f9d495"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e48d05ffa75d94bb450b4eca26"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_fedea69a362c25813a3ff18ab3"`);
    await queryRunner.query(`DROP TABLE "share"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2d7f2d2544db71d6a4d4454ff9"`);
    await queryRunner.query(`DROP TABLE "share_event"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e54edfc925535616fb7b5e4442"`);
    await queryRunner.query(`DROP TABLE "outbox_message"`);
    await queryRunner.query(`DROP TABLE "counter"`);
  }
}
