import { MigrationInterface, QueryRunner } from 'typeorm';

export class MembershipInvitations1796100423997 implements MigrationInterface {
  name = 'MembershipInvitations1796100423997';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "membership_invitation" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "role" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "invitedById" varchar NOT NULL, "createdAt" datetime NOT NULL, "expiresAt" datetime NOT NULL, "answeredAt" datetime)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_36218c8ec73250a530f2023b30" ON "membership_invitation" ("email", "status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d5e375ff42230cb05732f6c758" ON "membership_invitation" ("enterpriseId", "status", "email") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_36218c8ec73250a530f2023b30"`);
    await queryRunner.query(`DROP INDEX "IDX_d5e375ff42230cb05732f6c758"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_membership_invitation" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "role" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "invitedById" varchar NOT NULL, "createdAt" datetime NOT NULL, "expiresAt" datetime NOT NULL, "answeredAt" datetime, CONSTRAINT "FK_8f8df62f00d3f388e851f8e4023" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_82561e030df15d51a33e3beadda" FOREIGN KEY ("invitedById") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_membership_invitation"("enterpriseId", "id", "email", "role", "status", "invitedById", "createdAt", "expiresAt", "answeredAt") SELECT "enterpriseId", "id", "email", "role", "status", "invitedById", "createdAt", "expiresAt", "answeredAt" FROM "membership_invitation"`,
    );
    await queryRunner.query(`DROP TABLE "membership_invitation"`);
    await queryRunner.query(`ALTER TABLE "temporary_membership_invitation" RENAME TO "membership_invitation"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_36218c8ec73250a530f2023b30" ON "membership_invitation" ("email", "status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d5e375ff42230cb05732f6c758" ON "membership_invitation" ("enterpriseId", "status", "email") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_d5e375ff42230cb05732f6c758"`);
    await queryRunner.query(`DROP INDEX "IDX_36218c8ec73250a530f2023b30"`);
    await queryRunner.query(`ALTER TABLE "membership_invitation" RENAME TO "temporary_membership_invitation"`);
    await queryRunner.query(
      `CREATE TABLE "membership_invitation" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "role" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "invitedById" varchar NOT NULL, "createdAt" datetime NOT NULL, "expiresAt" datetime NOT NULL, "answeredAt" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "membership_invitation"("enterpriseId", "id", "email", "role", "status", "invitedById", "createdAt", "expiresAt", "answeredAt") SELECT "enterpriseId", "id", "email", "role", "status", "invitedById", "createdAt", "expiresAt", "answeredAt" FROM "temporary_membership_invitation"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_membership_invitation"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_d5e375ff42230cb05732f6c758" ON "membership_invitation" ("enterpriseId", "status", "email") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_36218c8ec73250a530f2023b30" ON "membership_invitation" ("email", "status") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_d5e375ff42230cb05732f6c758"`);
    await queryRunner.query(`DROP INDEX "IDX_36218c8ec73250a530f2023b30"`);
    await queryRunner.query(`DROP TABLE "membership_invitation"`);
  }
}
