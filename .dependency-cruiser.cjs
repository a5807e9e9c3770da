/**
 * Layer rules of devshare, checked by `npm run lint` (dependency-cruiser): no import cycles,
 * src/common/ at the bottom, and no module calling another module's services. The import rules
 * of single files (src/context/ imports no module; domain files import neither typeorm nor
 * graphql) are ESLint's, in eslint.config.mjs, where test/lint-rules.test.ts checks them.
 * See README "How the code is laid out" for what lives where.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: split the module or move the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'common-is-the-bottom-layer',
      severity: 'error',
      comment: 'src/common/ holds what every layer uses: it imports no module, context, server or database code.',
      from: { path: '^src/common/' },
      to: { path: '^src/(modules|context|server|database|demo)/|^src/app\\.ts$' },
    },
    {
      name: 'no-foreign-service',
      severity: 'error',
      comment:
        "A module does not call another module's services: it writes the audit log and e-mail through its Change (change.audit, change.mail), tells its facts (change.emit, e.g. device/device-facts.ts), or declares a port for what it needs done (share-acceptance's NewEnterprises); composition.ts wires who reacts and who serves.",
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/[^/]*(\\.service|-commands|-acceptance|-eligibility|-deadlines|-steps|-reactions)\\.ts$',
        pathNot: ['^src/modules/$1/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
