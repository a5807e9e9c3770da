import { MigrationInterface, QueryRunner } from 'typeorm';

export class ShareListIndexes1795492634029 implements MigrationInterface {
  name = 'ShareListIndexes1795492634029';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_3ec787d9041575e0e2bfa85651" ON "share"  ("recipientId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_1e0cdde89668b1670f0465031e" ON "share"  ("sharerId", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_1e0cdde89668b1670f0465031e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3ec787d9041575e0e2bfa85651"`);
  }
}
