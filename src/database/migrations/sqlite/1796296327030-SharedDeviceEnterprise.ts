import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each shared-device row carries its share's enterprise (which never changes), with an
 * (enterpriseId, id) index: a page of the share graph is then one keyset scan of that index.
 * SQLite adds a NOT NULL column only with a default, so the table is rebuilt, and existing rows
 * get the enterprise from their share (no other table refers to shared_device).
 */
export class SharedDeviceEnterprise1796296327030 implements MigrationInterface {
  name = 'SharedDeviceEnterprise1796296327030';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_8605a3c3ae8e6998256fb75146"`);
    await queryRunner.query(`DROP INDEX "IDX_d73862d0b34ac7bffbd9389bcb"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_shared_device" ("id" varchar PRIMARY KEY NOT NULL, "shareId" varchar NOT NULL, "deviceId" varchar NOT NULL, "status" varchar(16) NOT NULL, "addedAt" datetime NOT NULL, "endedAt" datetime, "enterpriseId" varchar NOT NULL, CONSTRAINT "FK_8f44e424f88963572911531314a" FOREIGN KEY ("shareId") REFERENCES "share" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_shared_device"("id", "shareId", "deviceId", "status", "addedAt", "endedAt", "enterpriseId") ` +
        `SELECT "sd"."id", "sd"."shareId", "sd"."deviceId", "sd"."status", "sd"."addedAt", "sd"."endedAt", "share"."enterpriseId" ` +
        `FROM "shared_device" "sd" INNER JOIN "share" ON "share"."id" = "sd"."shareId"`,
    );
    await queryRunner.query(`DROP TABLE "shared_device"`);
    await queryRunner.query(`ALTER TABLE "temporary_shared_device" RENAME TO "shared_device"`);
    await queryRunner.query(`CREATE INDEX "IDX_8605a3c3ae8e6998256fb75146" ON "shared_device" ("deviceId", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_d73862d0b34ac7bffbd9389bcb" ON "shared_device" ("shareId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_dad96916c87eba05099dc359ac" ON "shared_device" ("enterpriseId", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_dad96916c87eba05099dc359ac"`);
    await queryRunner.query(`DROP INDEX "IDX_d73862d0b34ac7bffbd9389bcb"`);
    await queryRunner.query(`DROP INDEX "IDX_8605a3c3ae8e6998256fb75146"`);
    await queryRunner.query(`ALTER TABLE "shared_device" RENAME TO "temporary_shared_device"`);
    await queryRunner.query(
      `CREATE TABLE "shared_device" ("id" varchar PRIMARY KEY NOT NULL, "shareId" varchar NOT NULL, "deviceId" varchar NOT NULL, "status" varchar(16) NOT NULL, "addedAt" datetime NOT NULL, "endedAt" datetime, CONSTRAINT "FK_8f44e424f88963572911531314a" FOREIGN KEY ("shareId") REFERENCES "share" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "shared_device"("id", "shareId", "deviceId", "status", "addedAt", "endedAt") SELECT "id", "shareId", "deviceId", "status", "addedAt", "endedAt" FROM "temporary_shared_device"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_shared_device"`);
    await queryRunner.query(`CREATE INDEX "IDX_d73862d0b34ac7bffbd9389bcb" ON "shared_device" ("shareId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_8605a3c3ae8e6998256fb75146" ON "shared_device" ("deviceId", "status") `);
  }
}
