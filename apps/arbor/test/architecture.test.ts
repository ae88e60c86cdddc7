// The layering the repository keeps: packages/ are libraries, services/ never depend on one another (nor on the
// app), and apps/arbor composes them. Checked twice: the workspace graph of the package.json files, and every
// import in the sources (dependency-cruiser, with the repository's .dependency-cruiser.cjs). Each check also
// runs on a small repository made to break it, so a check that has stopped seeing anything fails here too.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const CONFIG = join(repoRoot, '.dependency-cruiser.cjs');
const LAYERS = ['packages', 'services', 'apps'] as const;
type Layer = (typeof LAYERS)[number];

interface Workspace {
  name: string;
  layer: Layer;
  /** Every workspace package it names, in any kind of dependency. */
  names: string[];
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

function readWorkspaces(root: string): Workspace[] {
  const workspaces: Workspace[] = [];
  for (const layer of LAYERS) {
    if (!existsSync(join(root, layer))) continue;
    for (const folder of readdirSync(join(root, layer))) {
      const path = join(root, layer, folder, 'package.json');
      if (!existsSync(path)) continue;
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      const names = DEPENDENCY_FIELDS.flatMap((field) => Object.keys((manifest[field] as Record<string, string> | undefined) ?? {}));
      workspaces.push({ name: manifest.name as string, layer, names });
    }
  }
  return workspaces;
}

/** Which declared dependencies break the layering, as "from -> to" lines. */
function manifestViolations(root: string): string[] {
  const workspaces = readWorkspaces(root);
  const layerOf = new Map(workspaces.map((w) => [w.name, w.layer]));
  const violations: string[] = [];
  for (const workspace of workspaces) {
    for (const name of workspace.names) {
      const target = layerOf.get(name);
      if (target === undefined) continue; // a package from the registry
      const allowed =
        workspace.layer === 'apps' ? true
        : workspace.layer === 'services' ? target === 'packages'
        : target === 'packages';
      if (!allowed) violations.push(`${workspace.name} -> ${name}`);
    }
  }
  return violations;
}

/** Which imports in the sources break the layering, as "rule: from -> to" lines. */
async function importViolations(root: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(CONFIG);
  const folders = LAYERS.filter((layer) => existsSync(join(root, layer)));
  const result = await cruise(folders, { ...options, baseDir: root, validate: true });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/**
 * A repository with a library, two services and an app, linked as npm links workspaces. `breaks` adds the
 * dependencies the layering forbids.
 */
function fixture(breaks: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'arbor-layers-'));
  const workspace = (layer: Layer, folder: string, name: string, deps: string[], source: string) => {
    write(root, `${layer}/${folder}/package.json`, JSON.stringify({
      name,
      type: 'module',
      exports: { '.': './src/index.ts' },
      dependencies: Object.fromEntries(deps.map((d) => [d, '*'])),
    }));
    write(root, `${layer}/${folder}/src/index.ts`, source);
    mkdirSync(join(root, 'node_modules/@fx'), { recursive: true });
    symlinkSync(join(root, layer, folder), join(root, 'node_modules', name), 'dir');
  };
  write(root, 'tsconfig.base.json', readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8'));
  workspace('packages', 'lib', '@fx/lib', [], `export const one = 1;\n`);
  workspace('services', 'alpha', '@fx/alpha', ['@fx/lib', ...(breaks ? ['@fx/beta'] : [])],
    `import { one } from '@fx/lib';\n${breaks ? `import { two } from '@fx/beta';\nimport type { Three } from '../../beta/src/three.js';\n` : ''}export const alpha = one;\n`);
  workspace('services', 'beta', '@fx/beta', ['@fx/lib'], `export { three } from './three.js';\nexport const two = 2;\n`);
  write(root, 'services/beta/src/three.ts', `export type Three = 3;\nexport const three: Three = 3;\n`);
  workspace('apps', 'app', '@fx/app', ['@fx/alpha', '@fx/beta'], `import { alpha } from '@fx/alpha';\nimport { two } from '@fx/beta';\nexport const sum = alpha + two;\n`);
  if (breaks) {
    write(root, 'packages/lib/src/up.ts', `import { sum } from '@fx/app';\nexport const up = sum;\n`);
    write(root, 'services/beta/src/app.ts', `import { sum } from '../../../apps/app/src/index.js';\nexport const fromApp = sum;\n`);
  }
  return root;
}

const fixtures: string[] = [];
afterAll(() => {
  for (const root of fixtures) rmSync(root, { recursive: true, force: true });
});

describe('the layering checks', () => {
  it('see every forbidden dependency in a repository made to break them', async () => {
    const root = fixture(true);
    fixtures.push(root);
    expect(manifestViolations(root)).toEqual(['@fx/alpha -> @fx/beta']);
    expect((await importViolations(root)).sort()).toEqual([
      'package-imports-a-service-or-the-app: packages/lib/src/up.ts -> apps/app/src/index.ts',
      'service-imports-another-service: services/alpha/src/index.ts -> services/beta/src/index.ts',
      'service-imports-another-service: services/alpha/src/index.ts -> services/beta/src/three.ts',
      'service-imports-the-app: services/beta/src/app.ts -> apps/app/src/index.ts',
    ]);
  });

  it('accept the same repository without those dependencies', async () => {
    const root = fixture(false);
    fixtures.push(root);
    expect(manifestViolations(root)).toEqual([]);
    expect(await importViolations(root)).toEqual([]);
  });
});

describe('this repository', () => {
  it('has the five services, the libraries and the app as workspaces', () => {
    const byLayer = (layer: Layer) => readWorkspaces(repoRoot).filter((w) => w.layer === layer).map((w) => w.name).sort();
    expect(byLayer('services')).toEqual(['@arbor/gateway', '@arbor/orchestrator', '@arbor/policy', '@arbor/reward', '@arbor/value']);
    expect(byLayer('apps')).toEqual(['@arbor/app']);
    expect(byLayer('packages')).toContain('@arbor/contracts');
  });

  it('declares no dependency of a service on another service or the app, nor of a library on either', () => {
    expect(manifestViolations(repoRoot)).toEqual([]);
  });

  it('imports no service from another service or a library, and nothing from the app below it', async () => {
    expect(await importViolations(repoRoot)).toEqual([]);
  });
});
