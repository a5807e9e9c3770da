import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795487389400 implements MigrationInterface {
  name = 'Foundation1795487389400';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account" ("id" uuid NOT NULL, "email" character varying(254) NOT NULL, "name" character varying(100) NOT NULL, "passwordHash" character varying(255) NOT NULL, "createdAt" TIMESTAMP NOT NULL, CONSTRAINT "PK_54115ee388cdb6d86bb4bf5b2ea" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_4c8f96ccf523e9a3faefd5bdd4" ON "account"  ("email") `);
    await queryRunner.query(
      `CREATE TABLE "audit_event" ("id" uuid NOT NULL, "actorId" uuid, "enterpriseId" uuid, "action" character varying(64) NOT NULL, "targetType" character varying(32) NOT NULL, "targetId" character varying(64) NOT NULL, "details" text NOT NULL, "at" TIMESTAMP NOT NULL, CONSTRAINT "PK_481efbe8b0a403efe3f47a6528f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e6f30f7620b1cd5e18ac11f5d5" ON "audit_event"  ("targetId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_69d3ca7e728c95ce584ab3221d" ON "audit_event"  ("actorId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_6cb904c626d112bcbce7b607e9" ON "audit_event"  ("enterpriseId", "id") `);
    await queryRunner.query(
      `CREATE TABLE "enterprise" ("id" uuid NOT NULL, "name" character varying(100) NOT NULL, "dataCenter" character varying(8) NOT NULL, "settings" text NOT NULL, "createdAt" TIMESTAMP NOT NULL, CONSTRAINT "PK_09687cd306dc5d486c0e227c471" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "device_group" ("id" uuid NOT NULL, "enterpriseId" uuid NOT NULL, "parentId" uuid, "name" character varying(100) NOT NULL, "createdAt" TIMESTAMP NOT NULL, CONSTRAINT "PK_6bb808be579ff0722c914a8d6a1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_41b45846a1f32425f746386dce" ON "device_group"  ("parentId") `);
    await queryRunner.query(`CREATE INDEX "IDX_bdee94e0a8db01d0f9e2da6bad" ON "device_group"  ("enterpriseId") `);
    await queryRunner.query(
      `CREATE TABLE "device" ("id" uuid NOT NULL, "enterpriseId" uuid NOT NULL, "groupId" uuid, "serialNumber" character varying(64) NOT NULL, "name" character varying(100) NOT NULL, "model" character varying(100) NOT NULL, "plan" character varying(16) NOT NULL, "isDemo" boolean NOT NULL DEFAULT false, "registeredById" uuid, "firmwareVersion" character varying(64), "online" boolean NOT NULL DEFAULT false, "lastSeenAt" TIMESTAMP, "status" character varying(32) NOT NULL DEFAULT 'UNKNOWN', "telemetry" text NOT NULL, "configuration" text NOT NULL, "createdAt" TIMESTAMP NOT NULL, "updatedAt" TIMESTAMP NOT NULL, CONSTRAINT "PK_2dc10972aa4e27c01378dad2c72" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_bab48b552431d44a436fa02a49" ON "device"  ("serialNumber") `);
    await queryRunner.query(`CREATE INDEX "IDX_edc3a2560777a4a3a7bf3c6afc" ON "device"  ("groupId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_f655fafb527fcc7c10c4580f16" ON "device"  ("enterpriseId", "id") `);
    await queryRunner.query(
      `CREATE TABLE "membership" ("id" uuid NOT NULL, "enterpriseId" uuid NOT NULL, "accountId" uuid NOT NULL, "role" character varying(16) NOT NULL, "createdAt" TIMESTAMP NOT NULL, CONSTRAINT "PK_83c1afebef3059472e7c37e8de8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_7df4a02f7635e6571ba7616700" ON "membership"  ("accountId") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_0e8f437e03044afe7a8be82bb9" ON "membership"  ("enterpriseId", "accountId") `,
    );
    await queryRunner.query(
      `ALTER TABLE "device_group" ADD CONSTRAINT "FK_bdee94e0a8db01d0f9e2da6bada" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "device_group" ADD CONSTRAINT "FK_41b45846a1f32425f746386dce8" FOREIGN KEY ("parentId") REFERENCES "device_group"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "device" ADD CONSTRAINT "FK_5dcdf1eb73dc9a84dea1e8567f0" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "device" ADD CONSTRAINT "FK_8a7949ee7204e5c905588ddacec" FOREIGN KEY ("groupId") REFERENCES "device_group"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "device" ADD CONSTRAINT "FK_b786e9452b43c2e9653f470a503" FOREIGN KEY ("registeredById") REFERENCES "account"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "membership" ADD CONSTRAINT "FK_a0891bab1f126f600dd74579c5b" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "membership" ADD CONSTRAINT "FK_7df4a02f7635e6571ba76167002" FOREIGN KEY ("accountId") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "membership" DROP CONSTRAINT "FK_7df4a02f7635e6571ba76167002"`);
    await queryRunner.query(`ALTER TABLE "membership" DROP CONSTRAINT "FK_a0891bab1f126f600dd74579c5b"`);
    await queryRunner.query(`ALTER TABLE "device" DROP CONSTRAINT "FK_b786e9452b43c2e9653f470a503"`);
    await queryRunner.query(`ALTER TABLE "device" DROP CONSTRAINT "FK_8a7949ee7204e5c905588ddacec"`);
    await queryRunner.query(`ALTER TABLE "device" DROP CONSTRAINT "FK_5dcdf1eb73dc9a84dea1e8567f0"`);
    await queryRunner.query(`ALTER TABLE "device_group" DROP CONSTRAINT "FK_41b45846a1f32425f746386dce8"`);
    await queryRunner.query(`ALTER TABLE "device_group" DROP CONSTRAINT "FK_bdee94e0a8db01d0f9e2da6bada"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_0e8f437e03044afe7a8be82bb9"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7df4a02f7635e6571ba7616700"`);
    await queryRunner.query(`DROP TABLE "membership"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f655fafb527fcc7c10c4580f16"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_edc3a2560777a4a3a7bf3c6afc"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bab48b552431d44a436fa02a49"`);
    await queryRunner.query(`DROP TABLE "device"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bdee94e0a8db01d0f9e2da6bad"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_41b45846a1f32425f746386dce"`);
    await queryRunner.query(`DROP TABLE "device_group"`);
    await queryRunner.query(`DROP TABLE "enterprise"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6cb904c626d112bcbce7b607e9"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_69d3ca7e728c95ce584ab3221d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e6f30f7620b1cd5e18ac11f5d5"`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4c8f96ccf523e9a3faefd5bdd4"`);
    await queryRunner.query(`DROP TABLE "account"`);
  }
}
