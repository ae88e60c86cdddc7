// Bundles the arbor CLI (every service is reachable through it) into dist/arbor.mjs, runnable with plain node.
// Workspace packages (TypeScript) are bundled in; npm dependencies stay external and come from node_modules,
// since several of them (grpc-health-check, @grpc/reflection) read .proto files relative to themselves.
import { build } from 'esbuild';

const keepNpmExternal = {
  name: 'npm-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@arbor/') ? undefined : { path: args.path, external: true }));
  },
};

await build({
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/arbor.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  plugins: [keepNpmExternal],
  logLevel: 'warning',
});
