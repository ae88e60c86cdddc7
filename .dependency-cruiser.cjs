// The layering the repository keeps (README: Layout): packages/ are libraries, services/ are the four services,
// apps/arbor composes them. Checked by apps/arbor/test/architecture.test.ts, and by hand with
//   npx depcruise packages services apps
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'service-imports-another-service',
      comment: 'A service knows the others only by their contracts (@arbor/contracts); the arbor app composes them.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'service-imports-the-app',
      comment: 'The app sits above the services it composes, never below.',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^apps/' },
    },
    {
      name: 'package-imports-a-service-or-the-app',
      comment: 'packages/ are the libraries the services are built from; they know no service.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^(services|apps)/' },
    },
    {
      name: 'shipped-code-loads-vitest',
      comment:
        "Shipped code (the app's CLI, its benchmarks) takes the fake servers from @arbor/testing/fake-servers: the package root and its span checks load vitest, which a bundle would then load at start-up.",
      severity: 'error',
      from: { path: '^(services|apps|packages)/[^/]+/src/', pathNot: ['^packages/testing/', '\\.test\\.ts$'] },
      to: { path: '^packages/testing/src/(index|fake-server-hooks|trace-spans)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.turbo)/' },
    // Type-only imports count: they tie a service to another's code just the same.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
};
