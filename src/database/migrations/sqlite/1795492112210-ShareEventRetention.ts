import { MigrationInterface, QueryRunner } from 'typeorm';

export class ShareEventRetention1795492112210 implements MigrationInterface {
  name = 'ShareEventRetention1795492112210';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_eaf2f684ceb2f0c1051dc17602" ON "share_event" ("at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_eaf2f684ceb2f0c1051dc17602"`);
  }
}
