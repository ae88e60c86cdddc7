// Bundles the arbor CLI (every service is reachable through it) into dist/arbor.mjs, runnable with plain node,
// the model worker of `arbor serve` into dist/model-worker.mjs,
// and the telemetry loader into dist/telemetry.mjs, to load first: `node --import ./dist/telemetry.mjs dist/arbor.mjs`.
// Workspace packages (TypeScript) are bundled in; npm dependencies stay external and come from node_modules,
// since several of them (grpc-health-check, @grpc/reflection) read .proto files relative to themselves.
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

// --outdir DIR builds elsewhere than dist/ (tests build their own copy, so they never race the build test).
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const outdir = values.outdir;

const keepNpmExternal = {
  name: 'npm-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@arbor/') ? undefined : { path: args.path, external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  plugins: [keepNpmExternal],
  logLevel: 'warning',
};

const targets = [
  { entryPoints: ['src/cli/entry.ts'], outfile: 'dist/arbor.mjs', banner: { js: '#!/usr/bin/env node' } },
  // The model worker threads of `arbor serve` load it by path, next to arbor.mjs.
  { entryPoints: ['src/compose/model-worker.ts'], outfile: 'dist/model-worker.mjs' },
  // Its own file, not part of arbor.mjs: it must run before the app's modules are loaded.
  { entryPoints: ['../../packages/kit/src/telemetry/register.ts'], outfile: 'dist/telemetry.mjs' },
];
for (const target of targets) {
  await build({ ...common, ...target, outfile: target.outfile.replace(/^dist\//, `${outdir}/`) });
}
