import type { Config } from 'jest';

/**
 * Tests run TypeScript through ts-jest without type-checking each file (`npm run typecheck`
 * does that once for the whole project, as part of `npm test`).
 */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // jose ships ES modules only; Node 20 loads them with require(esm), Jest's CommonJS runtime cannot.
    '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['reflect-metadata'],
  testTimeout: 30_000,
  // Each e2e file starts its own server on its own database; two files at a time fit 2 cores.
  maxWorkers: 2,
};

export default config;
