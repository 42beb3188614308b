/**
 * The layer rules of src/ (README, "Architecture"), checked by `npm run lint` and by
 * test/architecture/dependency-rules.test.ts. Outer to inner:
 *   platform/  ->  bootstrap, config  ->  app, http/, console/  ->  services/  ->  domain  <-  db/ (implements ports)
 *   platform/cli.ts  ->  cli/ (the command; its I/O passed in)  and  offline.ts (the core without a database)
 * where the domain is verify/, trust/, advisories/, escalation/ (with encoding/ and errors.ts beside them).
 * An arrow may only point inward; the domain knows no framework and no runtime.
 */
const DOMAIN = '^src/(verify|trust|advisories|escalation|encoding)/';
const ROOT_FILES = '^src/(app|bootstrap|compose|config|offline)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-import-cycle',
      severity: 'error',
      comment: 'A cycle ties modules into one: no part of it can be understood, tested or moved alone.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-knows-no-framework',
      severity: 'error',
      comment: 'The domain takes time, anchors, fetch and crypto as arguments: no hono, drizzle, libSQL or D1.',
      from: { path: DOMAIN },
      to: { path: '(^|/)node_modules/(hono|@hono|drizzle-orm|@libsql|@cloudflare|wrangler)(/|$)' },
    },
    {
      name: 'domain-knows-no-runtime',
      severity: 'error',
      comment: 'Only src/platform/ knows whether it runs on Node or Workers.',
      from: { path: DOMAIN },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'domain-knows-no-runtime-cloudflare',
      severity: 'error',
      comment: 'cloudflare:* modules are the Workers runtime.',
      from: { path: DOMAIN },
      to: { path: '^cloudflare:' },
    },
    {
      name: 'domain-imports-no-outer-layer',
      severity: 'error',
      comment: 'The domain is the innermost layer: it is called, it does not call out.',
      from: { path: DOMAIN },
      to: { path: ['^src/(http|db|services|platform)/', ROOT_FILES] },
    },
    {
      name: 'db-only-implements-ports',
      severity: 'error',
      comment: 'db/ implements the ports the domain defines; it never reaches up to use cases or HTTP.',
      from: { path: '^src/db/' },
      to: { path: ['^src/(http|services|platform)/', ROOT_FILES] },
    },
    {
      name: 'services-take-ports',
      severity: 'error',
      comment: 'Use cases take the ports they need as arguments; only bootstrap.ts picks the repositories.',
      from: { path: '^src/services/' },
      to: { path: '^src/db/' },
    },
    {
      name: 'services-know-no-http',
      severity: 'error',
      comment: 'Use cases are called by HTTP (and the CLI, the cron); they know neither.',
      from: { path: '^src/services/' },
      to: { path: ['^src/(http|platform)/', ROOT_FILES, '(^|/)node_modules/(hono|@hono)(/|$)'] },
    },
    {
      name: 'http-knows-no-storage',
      severity: 'error',
      comment: 'Handlers parse, authorise, call a use case and map to a view; storage is behind the ports.',
      from: { path: '^src/http/' },
      to: { path: ['^src/(db|platform)/', ROOT_FILES] },
    },
    {
      name: 'console-knows-no-storage',
      severity: 'error',
      comment:
        'The console (issue 18) is a door like http/: its pages call the same use cases and never reach storage or the platform.',
      from: { path: '^src/console/' },
      to: { path: ['^src/(db|platform|cli)/', ROOT_FILES] },
    },
    {
      name: 'only-platform-knows-the-runtime',
      severity: 'error',
      comment: 'node:* and cloudflare:* belong to src/platform/ (db/ may use the libSQL driver it wraps).',
      from: { path: '^src/', pathNot: '^src/platform/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'offline-core-bundles-alone',
      severity: 'error',
      comment:
        'The CLI bundles src/offline.ts into one file run by plain Node: nothing it reaches may need a server, a database or a runtime.',
      from: { path: '^src/offline[.]ts$' },
      to: {
        path: ['^src/(db|http|platform)/', '^src/(app|bootstrap)[.]ts$', '(^|/)node_modules/(hono|@hono|drizzle-orm|@libsql|@cloudflare)(/|$)'],
        reachable: true,
      },
    },
    {
      name: 'cli-takes-its-io',
      severity: 'error',
      comment:
        'src/cli/ is the command without its I/O: the door (platform/cli.ts) passes files, fetch and the offline core in; it reaches no server internals, so the bundle stays small and the same logic runs in tests.',
      from: { path: '^src/cli/' },
      to: {
        path: [
          '^src/(db|http|platform|services)/',
          '^src/(app|bootstrap|config|offline)[.]ts$',
          '(^|/)node_modules/(hono|@hono|drizzle-orm|@libsql|@cloudflare)(/|$)',
        ],
      },
    },
    {
      name: 'only-the-door-runs-the-cli',
      severity: 'error',
      comment: 'The command is an outer layer: only src/platform/ (its door) imports it.',
      from: { path: '^src/', pathNot: '^src/(platform|cli)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'app-code-imports-no-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    exclude: { path: '^src/platform/trust-store-bundle[.]ts$' },
  },
};
