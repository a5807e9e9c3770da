import 'reflect-metadata';
import { parseDatabaseUrl } from './src/config';
import { createDataSource } from './src/database/data-source';

/**
 * The DataSource of the TypeORM CLI (`npm run migration:generate -- src/database/migrations/<db>/<Name>`,
 * `npm run migration:run`), for the database named by DATABASE_URL. The server builds the same one.
 */
export default createDataSource({ databaseUrl: parseDatabaseUrl(process.env.DATABASE_URL) });
