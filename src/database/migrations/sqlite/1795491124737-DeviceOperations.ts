import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeviceOperations1795491124737 implements MigrationInterface {
  name = 'DeviceOperations1795491124737';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "device_command" ("id" varchar PRIMARY KEY NOT NULL, "deviceId" varchar NOT NULL, "issuedById" varchar NOT NULL, "kind" varchar(32) NOT NULL, "payload" text NOT NULL, "status" varchar(16) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_34b07d5966bf28a437f1328aa6" ON "device_command" ("deviceId", "id") `);
    await queryRunner.query(
      `CREATE TABLE "notification_policy" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3d969829b080b543bf23e5ab68" ON "notification_policy" ("enterpriseId", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "notification_policy_device" ("id" varchar PRIMARY KEY NOT NULL, "policyId" varchar NOT NULL, "deviceId" varchar NOT NULL, "addedAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5319d660bb99352668908154db" ON "notification_policy_device" ("deviceId") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_2ac2f926d9d12977b44128a628" ON "notification_policy_device" ("policyId", "deviceId") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_34b07d5966bf28a437f1328aa6"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_device_command" ("id" varchar PRIMARY KEY NOT NULL, "deviceId" varchar NOT NULL, "issuedById" varchar NOT NULL, "kind" varchar(32) NOT NULL, "payload" text NOT NULL, "status" varchar(16) NOT NULL, "createdAt" datetime NOT NULL, CONSTRAINT "FK_0f003545226d6cf6a4520c14c1f" FOREIGN KEY ("deviceId") REFERENCES "device" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_device_command"("id", "deviceId", "issuedById", "kind", "payload", "status", "createdAt") SELECT "id", "deviceId", "issuedById", "kind", "payload", "status", "createdAt" FROM "device_command"`,
    );
    await queryRunner.query(`DROP TABLE "device_command"`);
    await queryRunner.query(`ALTER TABLE "temporary_device_command" RENAME TO "device_command"`);
    await queryRunner.query(`CREATE INDEX "IDX_34b07d5966bf28a437f1328aa6" ON "device_command" ("deviceId", "id") `);
    await queryRunner.query(`DROP INDEX "IDX_3d969829b080b543bf23e5ab68"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_notification_policy" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime NOT NULL, CONSTRAINT "FK_d9fd31fe024aa269500091b27c1" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_notification_policy"("enterpriseId", "id", "name", "createdAt") SELECT "enterpriseId", "id", "name", "createdAt" FROM "notification_policy"`,
    );
    await queryRunner.query(`DROP TABLE "notification_policy"`);
    await queryRunner.query(`ALTER TABLE "temporary_notification_policy" RENAME TO "notification_policy"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_3d969829b080b543bf23e5ab68" ON "notification_policy" ("enterpriseId", "id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_5319d660bb99352668908154db"`);
    await queryRunner.query(`DROP INDEX "IDX_2ac2f926d9d12977b44128a628"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_notification_policy_device" ("id" varchar PRIMARY KEY NOT NULL, "policyId" varchar NOT NULL, "deviceId" varchar NOT NULL, "addedAt" datetime NOT NULL, CONSTRAINT "FK_a59c63a4906ce25da2b5cea136d" FOREIGN KEY ("policyId") REFERENCES "notification_policy" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_notification_policy_device"("id", "policyId", "deviceId", "addedAt") SELECT "id", "policyId", "deviceId", "addedAt" FROM "notification_policy_device"`,
    );
    await queryRunner.query(`DROP TABLE "notification_policy_device"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_notification_policy_device" RENAME TO "notification_policy_device"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5319d660bb99352668908154db" ON "notification_policy_device" ("deviceId") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_2ac2f926d9d12977b44128a628" ON "notification_policy_device" ("policyId", "deviceId") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_2ac2f926d9d12977b44128a628"`);
    await queryRunner.query(`DROP INDEX "IDX_5319d660bb99352668908154db"`);
    await queryRunner.query(
      `ALTER TABLE "notification_policy_device" RENAME TO "temporary_notification_policy_device"`,
    );
    await queryRunner.query(
      `CREATE TABLE "notification_policy_device" ("id" varchar PRIMARY KEY NOT NULL, "policyId" varchar NOT NULL, "deviceId" varchar NOT NULL, "addedAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "notification_policy_device"("id", "policyId", "deviceId", "addedAt") SELECT "id", "policyId", "deviceId", "addedAt" FROM "temporary_notification_policy_device"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_notification_policy_device"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_2ac2f926d9d12977b44128a628" ON "notification_policy_device" ("policyId", "deviceId") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5319d660bb99352668908154db" ON "notification_policy_device" ("deviceId") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_3d969829b080b543bf23e5ab68"`);
    await queryRunner.query(`ALTER TABLE "notification_policy" RENAME TO "temporary_notification_policy"`);
    await queryRunner.query(
      `CREATE TABLE "notification_policy" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "notification_policy"("enterpriseId", "id", "name", "createdAt") SELECT "enterpriseId", "id", "name", "createdAt" FROM "temporary_notification_policy"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_notification_policy"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_3d969829b080b543bf23e5ab68" ON "notification_policy" ("enterpriseId", "id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_34b07d5966bf28a437f1328aa6"`);
    await queryRunner.query(`ALTER TABLE "device_command" RENAME TO "temporary_device_command"`);
    await queryRunner.query(
      `CREATE TABLE "device_command" ("id" varchar PRIMARY KEY NOT NULL, "deviceId" varchar NOT NULL, "issuedById" varchar NOT NULL, "kind" varchar(32) NOT NULL, "payload" text NOT NULL, "status" varchar(16) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "device_command"("id", "deviceId", "issuedById", "kind", "payload", "status", "createdAt") SELECT "id", "deviceId", "issuedById", "kind", "payload", "status", "createdAt" FROM "temporary_device_command"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_device_command"`);
    await queryRunner.query(`CREATE INDEX "IDX_34b07d5966bf28a437f1328aa6" ON "device_command" ("deviceId", "id") `);
    await queryRunner.query(`DROP INDEX "IDX_2ac2f926d9d12977b44128a628"`);
    await queryRunner.query(`DROP INDEX "IDX_5319d660bb99352668908154db"`);
    await queryRunner.query(`DROP TABLE "notification_policy_device"`);
    await queryRunner.query(`DROP INDEX "IDX_3d969829b080b543bf23e5ab68"`);
    await queryRunner.query(`DROP TABLE "notification_policy"`);
    await queryRunner.query(`DROP INDEX "IDX_34b07d5966bf28a437f1328aa6"`);
    await queryRunner.query(`DROP TABLE "device_command"`);
  }
}
