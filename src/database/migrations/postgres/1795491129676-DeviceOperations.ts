import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeviceOperations1795491129676 implements MigrationInterface {
  name = 'DeviceOperations1795491129676';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "device_command" ("id" uuid NOT NULL, "deviceId" uuid NOT NULL, "issuedById" uuid NOT NULL, "kind" character varying(32) NOT NULL, "payload" text NOT NULL, "status" character varying(16) NOT NULL, "createdAt" TIMESTAMP NOT NULL, CONSTRAINT "PK_f7ee291a5e600aedcffcedbd482" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_34b07d5966bf28a437f1328aa6" ON "device_command"  ("deviceId", "id") `);
    await queryRunner.query(
      `CREATE TABLE "notification_policy" ("enterpriseId" uuid NOT NULL, "id" uuid NOT NULL, "name" character varying(100) NOT NULL, "createdAt" TIMESTAMP NOT NULL, CONSTRAINT "PK_de4736558405cbc7e1571da4267" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3d969829b080b543bf23e5ab68" ON "notification_policy"  ("enterpriseId", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "notification_policy_device" ("id" uuid NOT NULL, "policyId" uuid NOT NULL, "deviceId" uuid NOT NULL, "addedAt" TIMESTAMP NOT NULL, CONSTRAINT "PK_44e47b7302bcfa4f548b18b70f7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5319d660bb99352668908154db" ON "notification_policy_device"  ("deviceId") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_2ac2f926d9d12977b44128a628" ON "notification_policy_device"  ("policyId", "deviceId") `,
    );
    await queryRunner.query(
      `ALTER TABLE "device_command" ADD CONSTRAINT "FK_0f003545226d6cf6a4520c14c1f" FOREIGN KEY ("deviceId") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "notification_policy" ADD CONSTRAINT "FK_d9fd31fe024aa269500091b27c1" FOREIGN KEY ("enterpriseId") REFERENCES "enterprise"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "notification_policy_device" ADD CONSTRAINT "FK_a59c63a4906ce25da2b5cea136d" FOREIGN KEY ("policyId") REFERENCES "notification_policy"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "notification_policy_device" DROP CONSTRAINT "FK_a59c63a4906ce25da2b5cea136d"`,
    );
    await queryRunner.query(`ALTER TABLE "notification_policy" DROP CONSTRAINT "FK_d9fd31fe024aa269500091b27c1"`);
    await queryRunner.query(`ALTER TABLE "device_command" DROP CONSTRAINT "FK_0f003545226d6cf6a4520c14c1f"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2ac2f926d9d12977b44128a628"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5319d660bb99352668908154db"`);
    await queryRunner.query(`DROP TABLE "notification_policy_device"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3d969829b080b543bf23e5ab68"`);
    await queryRunner.query(`DROP TABLE "notification_policy"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_34b07d5966bf28a437f1328aa6"`);
    await queryRunner.query(`DROP TABLE "device_command"`);
  }
}
