import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each shared-device row carries its share's enterprise (which never changes), with an
 * (enterpriseId, id) index: a page of the share graph is then one keyset scan of that index.
 * Existing rows get it from their share.
 */
export class SharedDeviceEnterprise1796296337358 implements MigrationInterface {
  name = 'SharedDeviceEnterprise1796296337358';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shared_device" ADD "enterpriseId" uuid`);
    await queryRunner.query(
      `UPDATE "shared_device" SET "enterpriseId" = "share"."enterpriseId" FROM "share" WHERE "share"."id" = "shared_device"."shareId"`,
    );
    await queryRunner.query(`ALTER TABLE "shared_device" ALTER COLUMN "enterpriseId" SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_dad96916c87eba05099dc359ac" ON "shared_device" ("enterpriseId", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_dad96916c87eba05099dc359ac"`);
    await queryRunner.query(`ALTER TABLE "shared_device" DROP COLUMN "enterpriseId"`);
  }
}
