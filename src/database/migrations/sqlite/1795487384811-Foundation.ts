import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795487384811 implements MigrationInterface {
  name = 'Foundation1795487384811';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(100) NOT NULL, "passwordHash" varchar(255) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_4c8f96ccf523e9a3faefd5bdd4" ON "account" ("email") `);
    await queryRunner.query(
      `CREATE TABLE "audit_event" ("id" varchar PRIMARY KEY NOT NULL, "actorId" varchar, "enterpriseId" varchar, "action" varchar(64) NOT NULL, "targetType" varchar(32) NOT NULL, "targetId" varchar(64) NOT NULL, "details" text NOT NULL, "at" datetime NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e6f30f7620b1cd5e18ac11f5d5" ON "audit_event" ("targetId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_69d3ca7e728c95ce584ab3221d" ON "audit_event" ("actorId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_6cb904c626d112bcbce7b607e9" ON "audit_event" ("enterpriseId", "id") `);
    await queryRunner.query(
      `CREATE TABLE "enterprise" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "dataCenter" varchar(8) NOT NULL, "settings" text NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "device_group" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "parentId" varchar, "name" varchar(100) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_41b45846a1f32425f746386dce" ON "device_group" ("parentId") `);
    await queryRunner.query(`CREATE INDEX "IDX_bdee94e0a8db01d0f9e2da6bad" ON "device_group" ("enterpriseId") `);
    await queryRunner.query(
      `CREATE TABLE "device" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "groupId" varchar, "serialNumber" varchar(64) NOT NULL, "name" varchar(100) NOT NULL, "model" varchar(100) NOT NULL, "plan" varchar(16) NOT NULL, "isDemo" boolean NOT NULL DEFAULT (0), "registeredById" varchar, "firmwareVersion" varchar(64), "online" boolean NOT NULL DEFAULT (0), "lastSeenAt" datetime, "status" varchar(32) NOT NULL DEFAULT ('UNKNOWN'), "telemetry" text NOT NULL, "configuration" text NOT NULL, "createdAt" datetime NOT NULL, "updatedAt" datetime NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_bab48b552431d44a436fa02a49" ON "device" ("serialNumber") `);
    await queryRunner.query(`CREATE INDEX "IDX_edc3a2560777a4a3a7bf3c6afc" ON "device" ("groupId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_f655fafb527fcc7c10c4580f16" ON "device" ("enterpriseId", "id") `);
    await queryRunner.query(
      `CREATE TABLE "membership" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "accountId" varchar NOT NULL, "role" varchar(16) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_7df4a02f7635e6571ba7616700" ON "membership" ("accountId") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_0e8f437e03044afe7a8be82bb9" ON "membership" ("enterpriseId", "accountId") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_41b45846a1f32425f746386dce"`);
    await queryRunner.query(`DROP INDEX "IDX_bdee94e0a8db01d0f9e2da6bad"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_device_group" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "parentId" varchar, "name" varchar(100) NOT NULL, "createdAt" datetime NOT NULL, CONSTRAINT "FK_bdee94e0a8db01d0f9e2da6bada" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_41b45846a1f32425f746386dce8" FOREIGN KEY ("parentId") REFERENCES "device_group" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_device_group"("id", "enterpriseId", "parentId", "name", "createdAt") SELECT "id", "enterpriseId", "parentId", "name", "createdAt" FROM "device_group"`,
    );
    await queryRunner.query(`DROP TABLE "device_group"`);
    await queryRunner.query(`ALTER TABLE "temporary_device_group" RENAME TO "device_group"`);
    await queryRunner.query(`CREATE INDEX "IDX_41b45846a1f32425f746386dce" ON "device_group" ("parentId") `);
    await queryRunner.query(`CREATE INDEX "IDX_bdee94e0a8db01d0f9e2da6bad" ON "device_group" ("enterpriseId") `);
    await queryRunner.query(`DROP INDEX "IDX_bab48b552431d44a436fa02a49"`);
    await queryRunner.query(`DROP INDEX "IDX_edc3a2560777a4a3a7bf3c6afc"`);
    await queryRunner.query(`DROP INDEX "IDX_f655fafb527fcc7c10c4580f16"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_device" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "groupId" varchar, "serialNumber" varchar(64) NOT NULL, "name" varchar(100) NOT NULL, "model" varchar(100) NOT NULL, "plan" varchar(16) NOT NULL, "isDemo" boolean NOT NULL DEFAULT (0), "registeredById" varchar, "firmwareVersion" varchar(64), "online" boolean NOT NULL DEFAULT (0), "lastSeenAt" datetime, "status" varchar(32) NOT NULL DEFAULT ('UNKNOWN'), "telemetry" text NOT NULL, "configuration" text NOT NULL, "createdAt" datetime NOT NULL, "updatedAt" datetime NOT NULL, CONSTRAINT "FK_5dcdf1eb73dc9a84dea1e8567f0" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_8a7949ee7204e5c905588ddacec" FOREIGN KEY ("groupId") REFERENCES "device_group" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_b786e9452b43c2e9653f470a503" FOREIGN KEY ("registeredById") REFERENCES "account" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_device"("id", "enterpriseId", "groupId", "serialNumber", "name", "model", "plan", "isDemo", "registeredById", "firmwareVersion", "online", "lastSeenAt", "status", "telemetry", "configuration", "createdAt", "updatedAt") SELECT "id", "enterpriseId", "groupId", "serialNumber", "name", "model", "plan", "isDemo", "registeredById", "firmwareVersion", "online", "lastSeenAt", "status", "telemetry", "configuration", "createdAt", "updatedAt" FROM "device"`,
    );
    await queryRunner.query(`DROP TABLE "device"`);
    await queryRunner.query(`ALTER TABLE "temporary_device" RENAME TO "device"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_bab48b552431d44a436fa02a49" ON "device" ("serialNumber") `);
    await queryRunner.query(`CREATE INDEX "IDX_edc3a2560777a4a3a7bf3c6afc" ON "device" ("groupId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_f655fafb527fcc7c10c4580f16" ON "device" ("enterpriseId", "id") `);
    await queryRunner.query(`DROP INDEX "IDX_7df4a02f7635e6571ba7616700"`);
    await queryRunner.query(`DROP INDEX "IDX_0e8f437e03044afe7a8be82bb9"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_membership" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "accountId" varchar NOT NULL, "role" varchar(16) NOT NULL, "createdAt" datetime NOT NULL, CONSTRAINT "FK_a0891bab1f126f600dd74579c5b" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_7df4a02f7635e6571ba76167002" FOREIGN KEY ("accountId") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_membership"("id", "enterpriseId", "accountId", "role", "createdAt") SELECT "id", "enterpriseId", "accountId", "role", "createdAt" FROM "membership"`,
    );
    await queryRunner.query(`DROP TABLE "membership"`);
    await queryRunner.query(`ALTER TABLE "temporary_membership" RENAME TO "membership"`);
    await queryRunner.query(`CREATE INDEX "IDX_7df4a02f7635e6571ba7616700" ON "membership" ("accountId") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_0e8f437e03044afe7a8be82bb9" ON "membership" ("enterpriseId", "accountId") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_0e8f437e03044afe7a8be82bb9"`);
    await queryRunner.query(`DROP INDEX "IDX_7df4a02f7635e6571ba7616700"`);
    await queryRunner.query(`ALTER TABLE "membership" RENAME TO "temporary_membership"`);
    await queryRunner.query(
      `CREATE TABLE "membership" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "accountId" varchar NOT NULL, "role" varchar(16) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "membership"("id", "enterpriseId", "accountId", "role", "createdAt") SELECT "id", "enterpriseId", "accountId", "role", "createdAt" FROM "temporary_membership"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_membership"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_0e8f437e03044afe7a8be82bb9" ON "membership" ("enterpriseId", "accountId") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_7df4a02f7635e6571ba7616700" ON "membership" ("accountId") `);
    await queryRunner.query(`DROP INDEX "IDX_f655fafb527fcc7c10c4580f16"`);
    await queryRunner.query(`DROP INDEX "IDX_edc3a2560777a4a3a7bf3c6afc"`);
    await queryRunner.query(`DROP INDEX "IDX_bab48b552431d44a436fa02a49"`);
    await queryRunner.query(`ALTER TABLE "device" RENAME TO "temporary_device"`);
    await queryRunner.query(
      `CREATE TABLE "device" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "groupId" varchar, "serialNumber" varchar(64) NOT NULL, "name" varchar(100) NOT NULL, "model" varchar(100) NOT NULL, "plan" varchar(16) NOT NULL, "isDemo" boolean NOT NULL DEFAULT (0), "registeredById" varchar, "firmwareVersion" varchar(64), "online" boolean NOT NULL DEFAULT (0), "lastSeenAt" datetime, "status" varchar(32) NOT NULL DEFAULT ('UNKNOWN'), "telemetry" text NOT NULL, "configuration" text NOT NULL, "createdAt" datetime NOT NULL, "updatedAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "device"("id", "enterpriseId", "groupId", "serialNumber", "name", "model", "plan", "isDemo", "registeredById", "firmwareVersion", "online", "lastSeenAt", "status", "telemetry", "configuration", "createdAt", "updatedAt") SELECT "id", "enterpriseId", "groupId", "serialNumber", "name", "model", "plan", "isDemo", "registeredById", "firmwareVersion", "online", "lastSeenAt", "status", "telemetry", "configuration", "createdAt", "updatedAt" FROM "temporary_device"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_device"`);
    await queryRunner.query(`CREATE INDEX "IDX_f655fafb527fcc7c10c4580f16" ON "device" ("enterpriseId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_edc3a2560777a4a3a7bf3c6afc" ON "device" ("groupId", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_bab48b552431d44a436fa02a49" ON "device" ("serialNumber") `);
    await queryRunner.query(`DROP INDEX "IDX_bdee94e0a8db01d0f9e2da6bad"`);
    await queryRunner.query(`DROP INDEX "IDX_41b45846a1f32425f746386dce"`);
    await queryRunner.query(`ALTER TABLE "device_group" RENAME TO "temporary_device_group"`);
    await queryRunner.query(
      `CREATE TABLE "device_group" ("id" varchar PRIMARY KEY NOT NULL, "enterpriseId" varchar NOT NULL, "parentId" varchar, "name" varchar(100) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "device_group"("id", "enterpriseId", "parentId", "name", "createdAt") SELECT "id", "enterpriseId", "parentId", "name", "createdAt" FROM "temporary_device_group"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_device_group"`);
    await queryRunner.query(`CREATE INDEX "IDX_bdee94e0a8db01d0f9e2da6bad" ON "device_group" ("enterpriseId") `);
    await queryRunner.query(`CREATE INDEX "IDX_41b45846a1f32425f746386dce" ON "device_group" ("parentId") `);
    await queryRunner.query(`DROP INDEX "IDX_0e8f437e03044afe7a8be82bb9"`);
    await queryRunner.query(`DROP INDEX "IDX_7df4a02f7635e6571ba7616700"`);
    await queryRunner.query(`DROP TABLE "membership"`);
    await queryRunner.query(`DROP INDEX "IDX_f655fafb527fcc7c10c4580f16"`);
    await queryRunner.query(`DROP INDEX "IDX_edc3a2560777a4a3a7bf3c6afc"`);
    await queryRunner.query(`DROP INDEX "IDX_bab48b552431d44a436fa02a49"`);
    await queryRunner.query(`DROP TABLE "device"`);
    await queryRunner.query(`DROP INDEX "IDX_bdee94e0a8db01d0f9e2da6bad"`);
    await queryRunner.query(`DROP INDEX "IDX_41b45846a1f32425f746386dce"`);
    await queryRunner.query(`DROP TABLE "device_group"`);
    await queryRunner.query(`DROP TABLE "enterprise"`);
    await queryRunner.query(`DROP INDEX "IDX_6cb904c626d112bcbce7b607e9"`);
    await queryRunner.query(`DROP INDEX "IDX_69d3ca7e728c95ce584ab3221d"`);
    await queryRunner.query(`DROP INDEX "IDX_e6f30f7620b1cd5e18ac11f5d5"`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
    await queryRunner.query(`DROP INDEX "IDX_4c8f96ccf523e9a3faefd5bdd4"`);
    await queryRunner.query(`DROP TABLE "account"`);
  }
}
