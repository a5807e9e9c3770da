import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountEmailVerification1796100514895 implements MigrationInterface {
  name = 'AccountEmailVerification1796100514895';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" ADD "emailVerifiedAt" TIMESTAMP`);
    await queryRunner.query(`ALTER TABLE "account" ADD "emailVerificationNonce" character varying(32)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "emailVerificationNonce"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "emailVerifiedAt"`);
  }
}
