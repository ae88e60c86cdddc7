// Which prompt prefixes one model server has probably cached: the prompts recently routed to it, cut into blocks
// of fixed size, each block's hash chained to the hashes before it (so a block's hash names the whole prefix that
// ends with it). The longest run of a prompt's leading blocks found here is how much of the prompt the server is
// likely to hold, as vLLM's automatic prefix caching and SGLang's radix cache keep it. Bounded: the least recently
// used block hashes go first, as the server's own cache evicts.
import { createHash } from 'node:crypto';

/** Characters per block: about 64 tokens of English, the order of a server's KV cache block (vLLM: 16 tokens). */
export const PREFIX_BLOCK_CHARS = 256;

/** The chained hashes of a prompt's whole blocks (a partial last block is left out: no server caches it). */
export function prefixBlockHashes(prompt: string, blockChars = PREFIX_BLOCK_CHARS): string[] {
  const blocks: string[] = [];
  for (let end = blockChars; end <= prompt.length; end += blockChars) blocks.push(prompt.slice(end - blockChars, end));
  return chainedBlockHashes(blocks);
}

/** Each block's hash chained to the hashes before it, so that it names the whole prefix ending with it. */
export function chainedBlockHashes(blocks: Iterable<string>): string[] {
  const hashes: string[] = [];
  let previous = '';
  for (const block of blocks) {
    previous = createHash('sha1').update(previous).update(block).digest('base64');
    hashes.push(previous);
  }
  return hashes;
}

export class PrefixIndex {
  /** Block hash → nothing; a Map keeps insertion order, which is the recency order once touched on use. */
  readonly #blocks = new Map<string, true>();

  constructor(readonly capacity: number) {}

  /** How many of the leading `hashes` this server holds: the longest cached prefix, in blocks. */
  matchedBlocks(hashes: readonly string[]): number {
    let matched = 0;
    while (matched < hashes.length && this.#blocks.has(hashes[matched]!)) matched++;
    return matched;
  }

  /** The server was sent a prompt with these blocks: it now holds them, most recently used. */
  record(hashes: readonly string[]): void {
    for (const hash of hashes) {
      this.#blocks.delete(hash);
      this.#blocks.set(hash, true);
    }
    while (this.#blocks.size > this.capacity) {
      const oldest = this.#blocks.keys().next().value;
      if (oldest === undefined) break;
      this.#blocks.delete(oldest);
    }
  }

  /** Forgets everything (the server restarted, or was gone long enough to have lost its cache). */
  clear(): void {
    this.#blocks.clear();
  }

  get size(): number {
    return this.#blocks.size;
  }
}
