// The tree viewer (/ui) in a real browser: Debian's headless Chromium driven by playwright-core, against the
// real gateway in front of a real orchestrator (`serve all`, embedded countdown models). The list shows the
// searches run; a seeded search's page draws exactly its node count; a running search's page grows live, then
// shows the final tree; a 10 k-node tree renders and answers clicks and zoom; with tokens configured the page asks
// for one and shows only that tenant's searches; no console errors, no request leaves the gateway's origin.
// The screenshot in docs/images/viewer.png (shown in the README) is taken here.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, type SearchEvent__Output, type SearchRequest, type SearchServiceClient, type Tree__Output } from '@arbor/contracts';
import { newToken, tokenDigest } from '@arbor/kit/auth';
import { startServices, type ServingStack } from '../src/compose/services.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!hasChromium && !inCi) {
  console.warn(`viewer.test.ts: skipped, ${CHROMIUM} is absent (apt-get install --no-install-recommends chromium); in CI (CI=true) these tests run and fail without it`);
}
/** Shown as the suites' names when they are skipped, so the skip says why. */
const skipped = !hasChromium && !inCi ? ` (skipped: no ${CHROMIUM})` : '';
/**
 * Every run saves its screenshot under test-output/ (not tracked); ARBOR_UPDATE_SCREENSHOT=1 also replaces the one
 * the README shows, so that a test run leaves the working tree as it found it.
 */
const SCREENSHOTS = [
  fileURLToPath(new URL('../test-output/viewer.png', import.meta.url)),
  ...(process.env.ARBOR_UPDATE_SCREENSHOT === '1' ? [fileURLToPath(new URL('../../../docs/images/viewer.png', import.meta.url))] : []),
];

/** As the machine notes say: no sandbox (root), and nothing reaching out to Google's hosts. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Browser {
  context: BrowserContext;
  /** Console errors, page errors, failed requests and requests to other origins, from every page. */
  problems: string[];
  dir: string;
  close(): Promise<void>;
}

async function launch(origin: string): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'arbor-viewer-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(origin)) problems.push(`request to another origin: ${request.url()}`);
    });
    page.on('requestfailed', (request) => {
      // A page that moves on aborts the polls it no longer needs.
      if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return {
    context,
    problems,
    dir,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface TreeNodeJson {
  id: number;
  parent_id: number;
  text: string;
  visits: number;
  value: number | null;
}
interface TreeJson {
  search_id: string;
  total_nodes: number;
  complete: boolean;
  chosen_path: number[];
  nodes: TreeNodeJson[];
}
interface SummaryJson {
  search_id: string;
  problem_id: string;
  task: string;
  algorithm: string;
  status: string;
  stop_reason: string;
  solved: boolean;
  answer: string;
  trace_id: string;
  trace_url: string | null;
  stats: { input_tokens: number; output_tokens: number; nodes: number; cost_usd: number };
}

async function apiJson<T>(base: string, path: string, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function metadataOf(token?: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function grpcSearch(client: SearchServiceClient, request: SearchRequest, token?: string): Promise<string> {
  return new Promise((resolve, reject) =>
    client.Search(request, metadataOf(token), { deadline: Date.now() + 120_000 }, (err, result) => (err ? reject(err) : resolve(result!.searchId))),
  );
}

function grpcTree(client: SearchServiceClient, searchId: string): Promise<Tree__Output> {
  return new Promise((resolve, reject) =>
    client.GetTree({ searchId, pageSize: 100_000 }, { deadline: Date.now() + 30_000 }, (err, tree) => (err ? reject(err) : resolve(tree!))),
  );
}

/** Whole-tree node count as GetTree reports it, after reading every page (and checking the count adds up). */
async function grpcNodeCount(client: SearchServiceClient, searchId: string): Promise<number> {
  const tree = await grpcTree(client, searchId);
  expect(tree.nextPageToken).toBe('');
  expect(tree.nodes).toHaveLength(tree.totalNodes);
  return tree.totalNodes;
}

async function state(page: Page) {
  return page.evaluate(() => (globalThis as InPage).arborViewer.state());
}

async function waitForStatus(page: Page, status: string, timeout = 60_000): Promise<void> {
  await page.locator(`.search-page[data-status="${status}"]`).waitFor({ timeout });
}

/** The page's window as the callbacks run in the browser see it (this file compiles without the DOM's types). */
type InPage = typeof globalThis & {
  arborViewer: {
    route(): string;
    status(): string;
    nodeCount(): number;
    totalNodes(): number;
    rendered(): number;
    state(): {
      status: string;
      nodeCount: number;
      visibleNodes: number;
      totalNodes: number;
      complete: boolean;
      chosenPath: number[];
      selected: number | null;
      frames: number;
      zoom: { kx: number; ky: number; x: number; y: number };
      metric: string;
    } | null;
    searches(): string[];
    clientPositionOf(id: number): { x: number; y: number } | null;
    zoomBy(factor: number): void;
    fit(): void;
  };
  location: { hash: string };
  sessionStorage: { getItem(key: string): string | null };
};

describe.skipIf(!hasChromium && !inCi)(`the tree viewer in headless Chromium${skipped}`, { timeout: 180_000 }, () => {
  let stack: ServingStack;
  let base: string;
  let client: SearchServiceClient;
  let browser: Browser;
  let page: Page;
  let seeded: { searchId: string; answer: string };

  beforeAll(async () => {
    stack = await startServices(
      ['all'],
      {
        ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0',
        ARBOR_GATEWAY_LISTEN: '127.0.0.1:0',
        ARBOR_INPROC_WORKERS: '0',
        // A model call takes a little time, so that a search runs long enough to be watched growing.
        ARBOR_POLICY_EMBEDDED_LATENCY_MS: '60',
        ARBOR_GATEWAY_TRACE_URL: 'http://127.0.0.1:16686/trace/{trace_id}',
      },
      'silent',
    );
    base = `http://${stack.gateway!.address}`;
    client = new (arborV1().SearchService)(stack.services[0]!.grpc.address, grpc.credentials.createInsecure());
    // The known seeded search, through the OpenAI front door.
    const reply = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'arbor-mcts', messages: [{ role: 'user', content: '4 9 10 13' }], arbor: { seed: '7' } }),
    });
    expect(reply.status).toBe(200);
    const completion = (await reply.json()) as { arbor: { search_id: string; answer: string } };
    seeded = { searchId: completion.arbor.search_id, answer: completion.arbor.answer };
    if (!hasChromium) throw new Error(`CI=true and ${CHROMIUM} is absent: .ci/run installs Debian's chromium`);
    browser = await launch(base);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    client?.close();
    await stack?.stop();
  });

  it('serves the page under a strict CSP, and its own hashed assets, public and cached for good', async () => {
    const response = await page.goto(`${base}/ui`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.waitForFunction(() => (globalThis as InPage).arborViewer?.route() === 'list');
    // What the page loaded besides its API: the gateway's own hashed assets, served without a token.
    const loaded = await page.evaluate(() =>
      (globalThis as unknown as { performance: { getEntriesByType(type: string): Array<{ name: string }> } }).performance
        .getEntriesByType('resource')
        .map((entry) => entry.name),
    );
    const assets = loaded.filter((url) => !url.includes('/ui/api/'));
    expect(assets.map((url) => new URL(url).pathname.replace(/\.[0-9a-f]{12}\./, '.*.')).sort()).toEqual(['/ui/assets/app.*.css', '/ui/assets/app.*.js', '/ui/assets/icon.*.svg']);
    for (const url of assets) {
      const asset = await fetch(url);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('content-type')).toMatch(url.endsWith('.js') ? /^text\/javascript/ : url.endsWith('.css') ? /^text\/css/ : /^image\/svg\+xml/);
    }
  });

  it('lists the searches run, newest first, with their task, algorithm, status, tokens and cost, and refreshes', async () => {
    await page.goto(`${base}/ui#/`);
    const row = page.locator(`tr[data-search-id="${seeded.searchId}"]`);
    await row.waitFor({ timeout: 10_000 });
    const summary = await apiJson<SummaryJson>(base, `/ui/api/searches/${seeded.searchId}`);
    expect(summary).toMatchObject({ task: 'countdown', algorithm: 'mcts', status: 'finished', solved: true, answer: seeded.answer });
    const cells = await row.locator('td').allTextContents();
    expect(cells).toHaveLength(8);
    expect(await row.locator('td').nth(1).getAttribute('title')).toBe(seeded.searchId);
    expect(cells[2]).toBe(summary.problem_id || '–');
    expect(cells.slice(3, 6)).toEqual(['countdown', 'mcts', 'solved']);
    expect(Number(cells[6]!.replaceAll(',', ''))).toBe(summary.stats.input_tokens + summary.stats.output_tokens);
    expect(cells[6]).not.toBe('0');
    expect(cells[7]).toBe(`$${summary.stats.cost_usd}`);

    // A search run while the list is open shows up at the top without a reload.
    const later = await grpcSearch(client, { problem: { task: 'countdown', question: '1 5 6 8', params: { target: '24' } }, beam: {}, seed: '3' });
    await page.locator(`tr[data-search-id="${later}"]`).waitFor({ timeout: 10_000 });
    const shown = await page.evaluate(() => (globalThis as InPage).arborViewer.searches());
    expect(shown[0]).toBe(later);
    expect(shown).toContain(seeded.searchId);
    const listed = await apiJson<{ searches: SummaryJson[] }>(base, '/ui/api/searches?limit=200');
    expect(shown).toEqual(listed.searches.map((s) => s.search_id));

    // A row opens its search.
    await row.locator('td').nth(2).click();
    await page.waitForFunction((id) => (globalThis as InPage).location.hash === `#/search/${id}`, seeded.searchId);
  });

  it('draws a seeded search with exactly its node count, its chosen path, stats and trace link', async () => {
    await page.goto(`${base}/ui#/search/${encodeURIComponent(seeded.searchId)}`);
    await waitForStatus(page, 'complete');
    const total = await grpcNodeCount(client, seeded.searchId);
    const tree = await apiJson<TreeJson>(base, `/ui/api/searches/${seeded.searchId}/tree`);
    expect(tree.complete).toBe(true);
    expect(tree.total_nodes).toBe(total);
    expect(total).toBeGreaterThan(10);
    const shown = (await state(page))!;
    expect(shown.nodeCount).toBe(total);
    expect(shown.totalNodes).toBe(total);
    expect(await page.locator('.search-page').getAttribute('data-node-count')).toBe(String(total));
    expect(shown.chosenPath).toEqual(tree.chosen_path);
    expect(shown.chosenPath.length).toBeGreaterThan(1);
    expect(shown.chosenPath[0]).toBe(0);
    expect(shown.metric).toBe('value');

    const summary = await apiJson<SummaryJson>(base, `/ui/api/searches/${seeded.searchId}`);
    const panel = page.locator('#summary-panel');
    await expect.poll(() => panel.locator('.answer').textContent()).toBe(seeded.answer);
    expect(summary.trace_id).not.toBe('');
    expect(await page.locator('#trace-link').getAttribute('href')).toBe(`http://127.0.0.1:16686/trace/${summary.trace_id}`);
    expect(await panel.textContent()).toContain('Cost per service');
    expect(await page.locator('#legend .legend-title').textContent()).toBe('value');

    // The chosen trajectory's last node, clicked: its step text, as the API has it, in the side panel.
    const leaf = tree.chosen_path.at(-1)!;
    const node = tree.nodes.find((n) => n.id === leaf)!;
    const at = (await page.evaluate((id) => (globalThis as InPage).arborViewer.clientPositionOf(id), leaf))!;
    // Hovering shows its step and scores beside the pointer; a click opens its details.
    await page.mouse.move(at.x, at.y);
    await page.locator('#tree-tooltip').waitFor({ state: 'visible', timeout: 2_000 });
    expect(await page.locator('#tree-tooltip').textContent()).toContain(`#${leaf} · terminal · chosen${node.text}`);
    await page.mouse.click(at.x, at.y);
    await page.locator(`#node-panel[data-node-id="${leaf}"]`).waitFor({ timeout: 2_000 });
    expect(await page.locator('#node-text').textContent()).toBe(node.text);
    expect(await page.locator('#node-panel').textContent()).toContain('chosen path');

    const screenshot = await page.screenshot({ fullPage: false });
    expect(screenshot.subarray(1, 4).toString('latin1')).toBe('PNG');
    for (const path of SCREENSHOTS) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, screenshot);
    }
  });

  it('draws a running search as it grows, then its final tree', async () => {
    const searchId = `viewer-live-${Date.now()}`;
    const request: SearchRequest = {
      searchId,
      // 1..6 cannot make 1000, so the search runs until its node budget ends it: one simulation at a time, each
      // expansion a policy call of 60 ms or more, about a hundred of them.
      problem: { task: 'countdown', question: '1 2 3 4 5 6', params: { target: '1000' } },
      mcts: { simulations: 100_000, parallelSimulations: 1 },
      budget: { maxNodes: 1500, deadlineMs: 60_000 },
      seed: '5',
    };
    const events: SearchEvent__Output[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const stream = client.StreamSearch(request, { deadline: Date.now() + 90_000 });
      stream.on('data', (event: SearchEvent__Output) => events.push(event));
      stream.on('error', reject);
      stream.on('end', resolve);
    });
    // Open the page once the search is listed as running.
    await expect
      .poll(async () => (await fetch(`${base}/ui/api/searches/${searchId}`)).status, { timeout: 10_000, interval: 50 })
      .toBe(200);
    await page.goto(`${base}/ui#/search/${searchId}`);
    const counts: number[] = [];
    let sawLive = false;
    for (let i = 0; i < 600; i++) {
      const now = (await state(page))!;
      if (now.status === 'live') sawLive = true;
      if (counts.at(-1) !== now.nodeCount) counts.push(now.nodeCount);
      if ((await page.locator('.search-page').getAttribute('data-status')) === 'complete') break;
      await page.waitForTimeout(100);
    }
    await done;
    await waitForStatus(page, 'complete');
    const total = await grpcNodeCount(client, searchId);
    expect(events.at(-1)?.result?.stopReason).toBe('STOP_REASON_MAX_NODES');
    expect(sawLive).toBe(true);
    // It grew in steps while the search ran (at least three counts between the first and the final tree).
    const growing = counts.filter((n) => n > 0 && n < total);
    expect(growing.length, `counts seen: ${counts.join(' ')}`).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < growing.length; i++) expect(growing[i]!).toBeGreaterThan(growing[i - 1]!);
    const final = (await state(page))!;
    expect(final.nodeCount).toBe(total);
    expect(final.complete).toBe(true);
    expect(final.chosenPath).toEqual((await apiJson<TreeJson>(base, `/ui/api/searches/${searchId}/tree?since=${total}`)).chosen_path);
    expect(await page.locator('#summary-panel').getAttribute('data-status')).toBe('finished');
  });

  it('renders a 10 k-node tree and stays interactive: zoom, pan and click', async () => {
    const searchId = await grpcSearch(client, {
      problem: { task: 'countdown', question: '1 2 3 4 5 6', params: { target: '1000' } },
      // 32 simulations at a time, so that it takes seconds, not minutes, with the slow policy.
      mcts: { simulations: 100_000, parallelSimulations: 32 },
      budget: { maxNodes: 11_000 },
      seed: '11',
    });
    const total = await grpcNodeCount(client, searchId);
    expect(total).toBeGreaterThanOrEqual(10_000);

    const opened = Date.now();
    await page.goto(`${base}/ui#/search/${searchId}`);
    await waitForStatus(page, 'complete', 30_000);
    const loadMs = Date.now() - opened;
    const shown = (await state(page))!;
    expect(shown.nodeCount).toBe(total);
    expect(loadMs).toBeLessThan(20_000);

    // Wheel zoom around the chosen leaf keeps it under the pointer; each step redraws promptly.
    const leaf = shown.chosenPath.at(-1)!;
    let at = (await page.evaluate((id) => (globalThis as InPage).arborViewer.clientPositionOf(id), leaf))!;
    const before = shown.zoom.kx;
    await page.mouse.move(at.x, at.y);
    for (let i = 0; i < 6; i++) {
      const frames = await page.evaluate(() => (globalThis as InPage).arborViewer.rendered());
      const started = Date.now();
      await page.mouse.wheel(0, -400);
      await page.waitForFunction((n) => (globalThis as InPage).arborViewer.rendered() > n, frames, { timeout: 3_000, polling: 'raf' });
      expect(Date.now() - started).toBeLessThan(1_500);
    }
    const zoomed = (await state(page))!;
    expect(zoomed.zoom.kx).toBeGreaterThan(before * 8);
    expect(zoomed.visibleNodes).toBeLessThan(total);
    at = (await page.evaluate((id) => (globalThis as InPage).arborViewer.clientPositionOf(id), leaf))!;

    // A click on it opens its details within a bound.
    const clicked = Date.now();
    await page.mouse.click(at.x, at.y);
    await page.locator(`#node-panel[data-node-id="${leaf}"]`).waitFor({ timeout: 3_000 });
    expect(Date.now() - clicked).toBeLessThan(1_500);
    const tree = await apiJson<TreeJson>(base, `/ui/api/searches/${searchId}/tree?since=${leaf}`);
    expect(await page.locator('#node-text').textContent()).toBe(tree.nodes[0]!.text);

    // Drag pans; the Fit button brings the whole tree back.
    const canvas = (await page.locator('#tree-canvas').boundingBox())!;
    await page.mouse.move(canvas.x + 200, canvas.y + 300);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 500, canvas.y + 420, { steps: 5 });
    await page.mouse.up();
    const panned = (await state(page))!;
    expect(panned.zoom.x - zoomed.zoom.x).toBeCloseTo(300, 0);
    expect(panned.zoom.y - zoomed.zoom.y).toBeCloseTo(120, 0);
    await page.locator('#zoom-fit').click();
    await expect.poll(async () => (await state(page))!.visibleNodes).toBe(total);
    // Still the node picked: dragging is not a click.
    expect((await state(page))!.selected).toBe(leaf);
  });

  it('logged no console error, page error or failed request, and asked nothing of another origin', () => {
    expect(browser.problems).toEqual([]);
  });
});

describe.skipIf(!hasChromium && !inCi)(`the tree viewer with bearer tokens${skipped}`, { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'arbor-viewer-tokens-'));
  const tokens = { a: newToken(), b: newToken() };
  let stack: ServingStack;
  let base: string;
  let client: SearchServiceClient;
  let browser: Browser;

  beforeAll(async () => {
    const tokensFile = join(dir, 'tokens.json');
    writeFileSync(tokensFile, JSON.stringify({ tenants: { a: { tokens: [{ sha256: tokenDigest(tokens.a) }] }, b: { tokens: [{ sha256: tokenDigest(tokens.b) }] } } }));
    stack = await startServices(
      ['all'],
      { ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0', ARBOR_GATEWAY_LISTEN: '127.0.0.1:0', ARBOR_INPROC_WORKERS: '0', ARBOR_AUTH_TOKENS_FILE: tokensFile },
      'silent',
    );
    base = `http://${stack.gateway!.address}`;
    client = new (arborV1().SearchService)(stack.services[0]!.grpc.address, grpc.credentials.createInsecure());
    if (!hasChromium) throw new Error(`CI=true and ${CHROMIUM} is absent: .ci/run installs Debian's chromium`);
    browser = await launch(base);
  });

  afterAll(async () => {
    await browser?.close();
    client?.close();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks for a token on 401, keeps it in the tab, and shows only that tenant's searches", async () => {
    const mine = await grpcSearch(client, { problem: { task: 'countdown', question: '4 9 10 13', params: { target: '24' } }, mcts: {}, seed: '7' }, tokens.a);
    const theirs = await grpcSearch(client, { problem: { task: 'countdown', question: '3 3 8 8', params: { target: '24' } }, beam: {}, seed: '7' }, tokens.b);
    expect((await fetch(`${base}/ui/api/searches`)).status).toBe(401);

    const page = await browser.context.newPage();
    // The page itself is public (it holds no data): it loads, then its first API call asks for a token.
    await page.goto(`${base}/ui`);
    await page.locator('#token-form').waitFor({ timeout: 10_000 });
    await page.fill('#token-input', 'not-a-token');
    await page.click('#token-form button[type=submit]');
    // Refused again: the form comes back, saying why.
    await page.locator('#token-form').waitFor({ timeout: 10_000 });
    expect(await page.locator('.token-message').textContent()).not.toBe('');
    await page.fill('#token-input', tokens.a);
    await page.click('#token-form button[type=submit]');
    await page.locator(`tr[data-search-id="${mine}"]`).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as InPage).arborViewer.searches())).toEqual([mine]);
    expect(await page.locator(`tr[data-search-id="${theirs}"]`).count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as InPage).sessionStorage.getItem('arbor.token'))).toBe(tokens.a);

    // The token goes with every call: the search's tree draws; the other tenant's search is not found.
    await page.goto(`${base}/ui#/search/${mine}`);
    await waitForStatus(page, 'complete');
    const tree = await apiJson<TreeJson>(base, `/ui/api/searches/${mine}/tree`, tokens.a);
    expect((await state(page))!.nodeCount).toBe(tree.total_nodes);
    await page.goto(`${base}/ui#/search/${theirs}`);
    await waitForStatus(page, 'not-found');
    expect(await page.locator('#token-form').count()).toBe(0);

    // Exactly the refusals expected, and nothing else: the two 401s (no token, the wrong one), and the 404s of
    // the other tenant's search (its summary, its tree).
    const resourceErrors = browser.problems.filter((p) => p.includes('Failed to load resource'));
    expect(resourceErrors.map((p) => /status of (\d+)/.exec(p)?.[1])).toEqual(['401', '401', '404', '404']);
    expect(browser.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });
});
