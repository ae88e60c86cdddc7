// Several model servers behind one model service, and which of them takes each request. Tree search sends every
// child of a node its parent's whole prompt again, so the server that served the parent most likely still holds
// that prefix in its KV cache (vLLM's automatic prefix caching, SGLang's radix cache) and skips its prefill; any
// other server computes it again. `prefix` routing sends a request to the server with the longest cached prefix
// of its prompt (as far as this process has seen: see PrefixIndex), unless that server already has more than
// `loadFactor` times its fair share of the requests in flight (consistent hashing with bounded loads), in which
// case the least loaded one takes it. `round_robin` and `random` are kept for comparison. A server that fails is
// avoided for a while (1 s, doubling to 30 s) and its cache model forgotten; when every server is failing, the
// one that failed longest ago is tried.
import { doublingDelayMs } from '../backoff.js';
import { withinLoadBound } from '../bounded-load.js';
import { PrefixIndex, prefixBlockHashes } from './prefix-index.js';

export const ROUTING_POLICIES = ['prefix', 'round_robin', 'random'] as const;
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];

export interface PoolOptions {
  routing: RoutingPolicy;
  /** A server may take up to this many times the mean of the requests in flight before others are preferred (> 1). */
  loadFactor: number;
  /** Block hashes remembered per server: about its KV cache's size (65,536 blocks of 256 characters ≈ 16 MB of text). */
  prefixCapacityBlocks?: number;
  /** For tests: the random source of `random` routing, and the clock of the back-off. */
  random?: () => number;
  now?: () => number;
}

export class PooledServer<C> {
  inFlight = 0;
  /** Requests routed here in all (for the load spread a benchmark reports). */
  routed = 0;
  failures = 0;
  unhealthyUntil = 0;
  /** When it last failed (ms): a success of a request sent before that says nothing of it now. */
  failedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly url: string,
    readonly client: C,
    readonly prefixes: PrefixIndex,
  ) {}
}

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

export class ServerPool<C> {
  #servers: PooledServer<C>[] = [];
  #next = 0;
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(
    readonly options: PoolOptions,
    private readonly makeClient: (url: string) => C,
    urls: readonly string[] = [],
  ) {
    if (!(options.loadFactor > 1)) throw new RangeError('loadFactor must be more than 1');
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.setServers(urls);
  }

  get servers(): readonly PooledServer<C>[] {
    return this.#servers;
  }

  /**
   * The servers are now these (a changed list, a DNS name that resolves differently): those still listed keep their
   * state and cache model, new ones start fresh, the others are no longer chosen (their requests in flight finish).
   */
  setServers(urls: readonly string[]): void {
    const known = new Map(this.#servers.map((s) => [s.url, s]));
    this.#servers = [...new Set(urls)].map((url) => known.get(url) ?? new PooledServer(url, this.makeClient(url), new PrefixIndex(this.options.prefixCapacityBlocks ?? 65_536)));
  }

  /**
   * The server for a request whose prompt is `prompt` (undefined: no prompt to route by), other than those in
   * `exclude` (already tried for it). Counts it routed and, for prefix routing, now holding the prompt's blocks.
   */
  choose(prompt: string | undefined, exclude: ReadonlySet<PooledServer<C>> = new Set()): PooledServer<C> {
    const open = this.#servers.filter((s) => !exclude.has(s));
    if (open.length === 0) throw new RangeError('no model server left to try');
    const now = this.#now();
    const healthy = open.filter((s) => s.unhealthyUntil <= now);
    // Every one failing: the one that failed longest ago may be back.
    const candidates = healthy.length > 0 ? healthy : [open.reduce((a, b) => (b.unhealthyUntil < a.unhealthyUntil ? b : a))];
    let chosen: PooledServer<C>;
    if (this.options.routing === 'random') {
      chosen = candidates[Math.min(candidates.length - 1, Math.floor(this.#random() * candidates.length))]!;
    } else if (this.options.routing === 'round_robin') {
      // Over the whole list, skipping those that cannot take it now, so that the turns do not drift when the
      // candidates change.
      const all = this.#servers;
      let turn = this.#next;
      while (!candidates.includes(all[turn % all.length]!)) turn++;
      chosen = all[turn % all.length]!;
      this.#next = (turn % all.length) + 1;
    } else {
      const hashes = prompt === undefined ? [] : prefixBlockHashes(prompt);
      chosen = this.#byPrefix(candidates, hashes);
      chosen.prefixes.record(hashes);
    }
    chosen.routed++;
    return chosen;
  }

  /** The longest cached prefix, within the load bound; ties and overloads go to the least loaded. */
  #byPrefix(candidates: PooledServer<C>[], hashes: readonly string[]): PooledServer<C> {
    const scored = candidates.map((server) => ({ server, matched: server.prefixes.matchedBlocks(hashes) }));
    // New prefixes spread by what each server was sent so far, so that an idle pool does not send them all to one.
    const leastLoaded = (a: (typeof scored)[number], b: (typeof scored)[number]) =>
      a.server.inFlight - b.server.inFlight || b.matched - a.matched || a.server.routed - b.server.routed;
    const best = [...scored].sort((a, b) => b.matched - a.matched || a.server.inFlight - b.server.inFlight)[0]!;
    // Bounded loads: with this request, no server may hold more than loadFactor x the mean, rounded up.
    const totalInFlight = candidates.reduce((sum, s) => sum + s.inFlight, 0);
    const share = { numerator: 1, denominator: candidates.length };
    if (best.matched > 0 && withinLoadBound({ inFlight: best.server.inFlight, totalInFlight, share, loadFactor: this.options.loadFactor })) return best.server;
    return [...scored].sort(leastLoaded)[0]!.server;
  }

  /** A request sent at `startedAt` was answered: healthy again, unless it failed since that request was sent. */
  succeeded(server: PooledServer<C>, startedAt = this.#now()): void {
    if (startedAt < server.failedAt) return;
    server.failures = 0;
    server.unhealthyUntil = 0;
  }

  /**
   * Avoided for a while, longer each time it fails again after its back-off; what it had cached is forgotten (it
   * may have restarted). The requests it had in flight failing together count once.
   */
  failed(server: PooledServer<C>): void {
    const now = this.#now();
    server.failedAt = now;
    if (server.unhealthyUntil > now) return;
    server.failures++;
    server.unhealthyUntil = now + doublingDelayMs(server.failures, FIRST_BACKOFF_MS, MAX_BACKOFF_MS);
    server.prefixes.clear();
  }
}
