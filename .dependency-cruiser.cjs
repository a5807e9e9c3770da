/**
 * Layer rules of devshare, checked by `npm run lint` (dependency-cruiser): no import cycles,
 * src/common/ at the bottom, src/context/ above it and below every module, and no module calling
 * another module's services. The purity of domain files (no typeorm, no graphql) is ESLint's,
 * in eslint.config.mjs.
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
      name: 'context-imports-no-module',
      severity: 'error',
      comment:
        'src/context/ (the request context, loaders, the change pipeline) knows no module: a module registers what it adds (loaders.of(factory), Viewers, field rules, Changes.react) and composition.ts wires it.',
      from: { path: '^src/context/' },
      to: { path: '^src/(modules|server|demo)/|^src/(app|composition|schema)\\.ts$' },
    },
    {
      name: 'no-foreign-service',
      severity: 'error',
      comment:
        "A module does not call another module's services: it tells its facts (e.g. device/device-facts.ts) and composition.ts wires who reacts. Allowed for now: the event log (audit.service) every change writes, and enterprise.service for an enterprise created while accepting a share.",
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/[^/]*(\\.service|-commands|-acceptance|-eligibility|-deadlines|-steps|-reactions)\\.ts$',
        pathNot: [
          '^src/modules/$1/',
          '^src/modules/audit/audit\\.service\\.ts$',
          '^src/modules/enterprise/enterprise\\.service\\.ts$',
        ],
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
