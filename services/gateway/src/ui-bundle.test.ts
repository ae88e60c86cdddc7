// The committed viewer bundle (src/generated/ui-bundle.ts) must be what scripts/bundle-ui.mjs makes of ui/ now:
// the repository runs from its sources, so a stale bundle would serve an old page.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UI_ASSETS, UI_INDEX_HTML } from './generated/ui-bundle.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('the viewer bundle', () => {
  it('is what esbuild makes of ui/ now (run npm run generate after editing ui/)', { timeout: 60_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'arbor-ui-bundle-'));
    try {
      execFileSync(process.execPath, ['scripts/bundle-ui.mjs', '--out', out], { cwd: packageDir, stdio: 'pipe' });
      const committed = readFileSync(join(packageDir, 'src/generated/ui-bundle.ts'), 'utf8');
      expect(committed === readFileSync(join(out, 'ui-bundle.ts'), 'utf8'), 'src/generated/ui-bundle.ts is stale: run npm run generate in services/gateway').toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('holds the page, its script (with d3-hierarchy and its license), styles and icon, and names no other origin', () => {
    const [js, css, icon] = UI_ASSETS;
    expect(UI_ASSETS.map((a) => a.contentType)).toEqual(['text/javascript; charset=utf-8', 'text/css; charset=utf-8', 'image/svg+xml; charset=utf-8']);
    for (const asset of UI_ASSETS) {
      expect(asset.path).toMatch(/^\/ui\/assets\/[a-z]+\.[0-9a-f]{12}\.(js|css|svg)$/);
      expect(UI_INDEX_HTML).toContain(`"${asset.path}"`);
    }
    expect(js!.body).toMatch(/^\/\*! d3-hierarchy \d+\.\d+\.\d+\nCopyright/);
    expect(js!.body).toContain('arborViewer');
    expect(css!.body).toContain('#tree-canvas');
    expect(icon!.body).toMatch(/^<svg /);
    // No CDN, no web fonts, no remote anything: the only URLs are the page's own.
    for (const text of [UI_INDEX_HTML, js!.body, css!.body]) {
      expect(text).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
      expect(text).not.toMatch(/@import|@font-face/);
    }
    // Model output never goes in as markup.
    expect(js!.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(UI_INDEX_HTML).not.toMatch(/<script>|<style>|\sstyle="|\son[a-z]+=/);
  });
});
