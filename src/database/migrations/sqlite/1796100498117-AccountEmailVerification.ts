import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountEmailVerification1796100498117 implements MigrationInterface {
  name = 'AccountEmailVerification1796100498117';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_4c8f96ccf523e9a3faefd5bdd4"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_account" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(100) NOT NULL, "passwordHash" varchar(255) NOT NULL, "createdAt" datetime NOT NULL, "emailVerifiedAt" datetime, "emailVerificationNonce" varchar(32))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_account"("id", "email", "name", "passwordHash", "createdAt") SELECT "id", "email", "name", "passwordHash", "createdAt" FROM "account"`,
    );
    await queryRunner.query(`DROP TABLE "account"`);
    await queryRunner.query(`ALTER TABLE "temporary_account" RENAME TO "account"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_4c8f96ccf523e9a3faefd5bdd4" ON "account" ("email") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_4c8f96ccf523e9a3faefd5bdd4"`);
    await queryRunner.query(`ALTER TABLE "account" RENAME TO "temporary_account"`);
    await queryRunner.query(
      `CREATE TABLE "account" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(100) NOT NULL, "passwordHash" varchar(255) NOT NULL, "createdAt" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "account"("id", "email", "name", "passwordHash", "createdAt") SELECT "id", "email", "name", "passwordHash", "createdAt" FROM "temporary_account"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_account"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_4c8f96ccf523e9a3faefd5bdd4" ON "account" ("email") `);
  }
}
