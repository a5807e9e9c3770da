import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExpiryWarnings1795490604388 implements MigrationInterface {
  name = 'ExpiryWarnings1795490604388';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_90b699de028e3bf831e461d419"`);
    await queryRunner.query(`DROP INDEX "IDX_cf37d3a2073bb0bf3a80dc2895"`);
    await queryRunner.query(`DROP INDEX "IDX_c3c7ba26b02bb05a88e2f9d495"`);
    await queryRunner.query(`DROP INDEX "IDX_e48d05ffa75d94bb450b4eca26"`);
    await queryRunner.query(`DROP INDEX "IDX_fedea69a362c25813a3ff18ab3"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_share" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "sharerId" varchar NOT NULL, "recipientEmail" varchar(254) NOT NULL, "recipientId" varchar, "receivingEnterpriseId" varchar, "permissions" text NOT NULL, "expiresAt" datetime, "invitationExpiresAt" datetime NOT NULL, "description" varchar(500), "status" varchar(16) NOT NULL, "linkNonce" varchar(64) NOT NULL, "codeNonce" varchar(64) NOT NULL, "codeFailures" integer NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL, "updatedAt" datetime NOT NULL, "acceptedAt" datetime, "endedAt" datetime, "expiryWarnedAt" datetime, CONSTRAINT "FK_cc43a5b36ec8d5173c3b66bcf22" FOREIGN KEY ("sharerId") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_848dda12069127f3d775c6c02d0" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_share"("enterpriseId", "id", "sharerId", "recipientEmail", "recipientId", "receivingEnterpriseId", "permissions", "expiresAt", "invitationExpiresAt", "description", "status", "linkNonce", "codeNonce", "codeFailures", "createdAt", "updatedAt", "acceptedAt", "endedAt") SELECT "enterpriseId", "id", "sharerId", "recipientEmail", "recipientId", "receivingEnterpriseId", "permissions", "expiresAt", "invitationExpiresAt", "description", "status", "linkNonce", "codeNonce", "codeFailures", "createdAt", "updatedAt", "acceptedAt", "endedAt" FROM "share"`,
    );
    await queryRunner.query(`DROP TABLE "share"`);
    await queryRunner.query(`ALTER TABLE "temporary_share" RENAME TO "share"`);
    await queryRunner.query(`CREATE INDEX "IDX_90b699de028e3bf831e461d419" ON "share" ("enterpriseId", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_cf37d3a2073bb0bf3a80dc2895" ON "share" ("recipientEmail", "status") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_c3c7ba26b02bb05a88e2f9d495" ON "share" ("receivingEnterpriseId", "status") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e48d05ffa75d94bb450b4eca26" ON "share" ("status", "expiresAt") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_fedea69a362c25813a3ff18ab3" ON "share" ("status", "invitationExpiresAt") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_fedea69a362c25813a3ff18ab3"`);
    await queryRunner.query(`DROP INDEX "IDX_e48d05ffa75d94bb450b4eca26"`);
    await queryRunner.query(`DROP INDEX "IDX_c3c7ba26b02bb05a88e2f9d495"`);
    await queryRunner.query(`DROP INDEX "IDX_cf37d3a2073bb0bf3a80dc2895"`);
    await queryRunner.query(`DROP INDEX "IDX_90b699de028e3bf831e461d419"`);
    await queryRunner.query(`ALTER TABLE "share" RENAME TO "temporary_share"`);
    await queryRunner.query(
      `CREATE TABLE "share" ("enterpriseId" varchar NOT NULL, "id" varchar PRIMARY KEY NOT NULL, "sharerId" varchar NOT NULL, "recipientEmail" varchar(254) NOT NULL, "recipientId" varchar, "receivingEnterpriseId" varchar, "permissions" text NOT NULL, "expiresAt" datetime, "invitationExpiresAt" datetime NOT NULL, "description" varchar(500), "status" varchar(16) NOT NULL, "linkNonce" varchar(64) NOT NULL, "codeNonce" varchar(64) NOT NULL, "codeFailures" integer NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL, "updatedAt" datetime NOT NULL, "acceptedAt" datetime, "endedAt" datetime, CONSTRAINT "FK_cc43a5b36ec8d5173c3b66bcf22" FOREIGN KEY ("sharerId") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_848dda12069127f3d775c6c02d0" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "share"("enterpriseId", "id", "sharerId", "recipientEmail", "recipientId", "receivingEnterpriseId", "permissions", "expiresAt", "invitationExpiresAt", "description", "status", "linkNonce", "codeNonce", "codeFailures", "createdAt", "updatedAt", "acceptedAt", "endedAt") SELECT "enterpriseId", "id", "sharerId", "recipientEmail", "recipientId", "receivingEnterpriseId", "permissions", "expiresAt", "invitationExpiresAt", "description", "status", "linkNonce", "codeNonce", "codeFailures", "createdAt", "updatedAt", "acceptedAt", "endedAt" FROM "temporary_share"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_share"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_fedea69a362c25813a3ff18ab3" ON "share" ("status", "invitationExpiresAt") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e48d05ffa75d94bb450b4eca26" ON "share" ("status", "expiresAt") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_c3c7ba26b02bb05a88e2f9d495" ON "share" ("receivingEnterpriseId", "status") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_cf37d3a2073bb0bf3a80dc2895" ON "share" ("recipientEmail", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_90b699de028e3bf831e461d419" ON "share" ("enterpriseId", "id") `);
  }
}
