import type { Logger as QueryLogger } from 'typeorm';

/** Counts the SQL statements the server sends (`startTestServer({ queryLogger })`). */
export class StatementCounter implements QueryLogger {
  count = 0;
  logQuery(): void {
    this.count++;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
