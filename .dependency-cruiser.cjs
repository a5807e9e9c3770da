/**
 * Layer rules of devshare, checked by `npm run lint` (dependency-cruiser): no import cycles, and
 * src/common/ at the bottom. The import rules of single files (src/context/ imports no module
 * policy; domain rules import neither typeorm nor graphql) are ESLint's, in eslint.config.mjs.
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
