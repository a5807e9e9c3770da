import { MigrationInterface, QueryRunner } from 'typeorm';

export class MembershipInvitations1796100451203 implements MigrationInterface {
  name = 'MembershipInvitations1796100451203';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "membership_invitation" ("enterpriseId" uuid NOT NULL, "id" uuid NOT NULL, "email" character varying(254) NOT NULL, "role" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "invitedById" uuid NOT NULL, "createdAt" TIMESTAMP NOT NULL, "expiresAt" TIMESTAMP NOT NULL, "answeredAt" TIMESTAMP, CONSTRAINT "PK_77d1bd60e3943e90d64d5de31cf" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_36218c8ec73250a530f2023b30" ON "membership_invitation"  ("email", "status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d5e375ff42230cb05732f6c758" ON "membership_invitation"  ("enterpriseId", "status", "email") `,
    );
    await queryRunner.query(
      `ALTER TABLE "membership_invitation" ADD CONSTRAINT "FK_8f8df62f00d3f388e851f8e4023" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "membership_invitation" ADD CONSTRAINT "FK_82561e030df15d51a33e3beadda" FOREIGN KEY ("invitedById") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "membership_invitation" DROP CONSTRAINT "FK_82561e030df15d51a33e3beadda"`);
    await queryRunner.query(`ALTER TABLE "membership_invitation" DROP CONSTRAINT "FK_8f8df62f00d3f388e851f8e4023"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d5e375ff42230cb05732f6c758"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_36218c8ec73250a530f2023b30"`);
    await queryRunner.query(`DROP TABLE "membership_invitation"`);
  }
}
