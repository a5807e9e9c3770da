import { MigrationInterface, QueryRunner } from 'typeorm';

export class ShareEventRetention1795492117462 implements MigrationInterface {
  name = 'ShareEventRetention1795492117462';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_eaf2f684ceb2f0c1051dc17602" ON "share_event"  ("at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_eaf2f684ceb2f0c1051dc17602"`);
  }
}
