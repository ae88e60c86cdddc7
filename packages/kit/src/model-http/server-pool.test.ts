// Which server takes a request: the longest cached prefix within the load bound, failover, re-resolution.
import { describe, expect, it } from 'vitest';
import { PrefixIndex, prefixBlockHashes, PREFIX_BLOCK_CHARS } from './prefix-index.js';
import { ServerPool } from './server-pool.js';

const block = (c: string) => c.repeat(PREFIX_BLOCK_CHARS);
const pool = (routing: 'prefix' | 'round_robin' | 'random', urls = ['a', 'b', 'c', 'd'], extra = {}) =>
  new ServerPool({ routing, loadFactor: 1.25, ...extra }, (url) => ({ url }), urls);

describe('prefix blocks', () => {
  it('chain: a block hash names the whole prefix before it; a partial last block is left out', () => {
    const ab = prefixBlockHashes(block('a') + block('b') + 'tail');
    expect(ab).toHaveLength(2);
    expect(prefixBlockHashes(block('a') + block('c'))[0]).toBe(ab[0]);
    expect(prefixBlockHashes(block('a') + block('c'))[1]).not.toBe(ab[1]);
    // The same second block after another first block is another prefix.
    expect(prefixBlockHashes(block('x') + block('b'))[1]).not.toBe(ab[1]);
  });

  it('an index matches the longest run of leading blocks, and evicts the least recently used', () => {
    const index = new PrefixIndex(3);
    const hashes = prefixBlockHashes(block('a') + block('b') + block('c'));
    index.record(hashes.slice(0, 2));
    expect(index.matchedBlocks(hashes)).toBe(2);
    index.record(prefixBlockHashes(block('z') + block('y')));
    // a's first block was the least recently used: gone, so nothing of the prompt matches from the start.
    expect(index.size).toBe(3);
    expect(index.matchedBlocks(hashes)).toBe(0);
  });
});

describe('prefix routing', () => {
  it('sends a prompt to the server that was sent its longest prefix, and a new prefix to the least used', () => {
    const servers = pool('prefix');
    const root = block('r') + block('s');
    const first = servers.choose(root);
    // A child repeats the parent's prompt and adds a step: same server.
    expect(servers.choose(root + block('1'))).toBe(first);
    expect(servers.choose(root + block('2') + 'x')).toBe(first);
    // Another tree's prompt goes to a server that was sent nothing yet.
    const other = servers.choose(block('q') + block('w'));
    expect(other).not.toBe(first);
    expect(other.routed).toBe(1);
  });

  it('keeps no server over loadFactor x its share of the requests in flight: past it, the least loaded takes one', () => {
    const servers = pool('prefix');
    const prompt = block('p') + block('q');
    const home = servers.choose(prompt);
    // Four servers, 1.25 x: with 3 in flight at home and 3 in all, a 4th request would make 4 > ceil(1.25 x 4 / 4) = 2.
    home.inFlight = 3;
    const spilled = servers.choose(prompt + block('c'));
    expect(spilled).not.toBe(home);
    expect(spilled.inFlight).toBe(0);
    // Back within the bound, the prefix wins again.
    home.inFlight = 0;
    expect(servers.choose(prompt + block('d'))).toBe(home);
  });

  it('avoids a failed server for a while, forgets its cache, and tries it again when every server is failing', () => {
    let now = 0;
    const servers = pool('prefix', ['a', 'b'], { now: () => now });
    const prompt = block('f') + block('g');
    const home = servers.choose(prompt);
    servers.failed(home);
    const elsewhere = servers.choose(prompt);
    expect(elsewhere).not.toBe(home);
    expect(home.prefixes.size).toBe(0);
    servers.failed(elsewhere);
    // Both failing: the one that failed first (its back-off ends first) is tried.
    expect(servers.choose(prompt)).toBe(home);
    now = 1_001;
    // Back-offs over: healthy again; a second failure in a row doubles the wait.
    servers.failed(home);
    expect(home.unhealthyUntil).toBe(1_001 + 2_000);
    servers.succeeded(home);
    expect(home.unhealthyUntil).toBe(0);
    expect(() => servers.choose(prompt, new Set(servers.servers))).toThrow(/no model server left/);
  });

  it('counts the requests a server had in flight failing together as one failure, and ignores a success sent before it', () => {
    let now = 0;
    const servers = pool('prefix', ['a', 'b'], { now: () => now });
    const a = servers.servers[0]!;
    for (let i = 0; i < 16; i++) servers.failed(a);
    expect(a.failures).toBe(1);
    expect(a.unhealthyUntil).toBe(1_000);
    // A long request sent before the failure comes back fine: that says nothing of the server now.
    servers.succeeded(a, -5);
    expect(a.unhealthyUntil).toBe(1_000);
    now = 2_000;
    servers.succeeded(a, 1_500);
    expect(a.unhealthyUntil).toBe(0);
  });

  it('keeps the state of servers still listed when the list changes, and drops the others', () => {
    const servers = pool('prefix', ['a', 'b']);
    const prompt = block('k') + block('l');
    const home = servers.choose(prompt);
    servers.setServers(['c', home.url]);
    expect(servers.servers.map((s) => s.url)).toEqual(['c', home.url]);
    expect(servers.choose(prompt + block('m'))).toBe(home);
  });
});

describe('round robin and random', () => {
  it('round robin takes each server in turn; random draws from the source it is given', () => {
    const rr = pool('round_robin', ['a', 'b', 'c']);
    expect([0, 1, 2, 3].map(() => rr.choose('x').url)).toEqual(['a', 'b', 'c', 'a']);
    // A server that cannot take a request is skipped without shifting the others' turns.
    const skip = pool('round_robin', ['a', 'b', 'c']);
    expect(skip.choose('x').url).toBe('a');
    expect(skip.choose('x', new Set([skip.servers[1]!])).url).toBe('c');
    expect(skip.choose('x').url).toBe('a');
    const draws = [0.1, 0.9, 0.5];
    const random = pool('random', ['a', 'b', 'c'], { random: () => draws.shift()! });
    expect([0, 1, 2].map(() => random.choose('x').url)).toEqual(['a', 'c', 'b']);
  });
});
