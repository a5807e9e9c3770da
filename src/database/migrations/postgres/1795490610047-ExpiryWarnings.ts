import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExpiryWarnings1795490610047 implements MigrationInterface {
  name = 'ExpiryWarnings1795490610047';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "share" ADD "expiryWarnedAt" TIMESTAMP`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "share" DROP COLUMN "expiryWarnedAt"`);
  }
}
