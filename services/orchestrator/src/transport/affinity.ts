// Replica affinity over NATS: which replica of a model service served each path of a tree, so that a node's next
// calls go where its prefix already is. Where each replica fronts a model server of its own (a sidecar), that
// server holds the parent's prompt in its prefix cache (vLLM's automatic prefix caching, SGLang's radix cache);
// any other replica's server would prefill it again. Learnt from replies (each names the replica that answered,
// whether the request went to it or to the queue group); bounded, the least recently used paths forgotten first.
import { createHash } from 'node:crypto';

/** What a request is keyed by: chained hashes of its problem and of each step after it. */
export interface AffinityKeys {
  /**
   * The paths of the steps all the request's trajectories share, shortest first (the problem alone, then one
   * step more each): the longest one a replica served is where the request's common prefix most likely is.
   */
  shared: string[];
  /** The last path of every trajectory in the request: the replica that answers now holds each of them. */
  served: string[];
}

interface ProblemIdentity {
  task?: string;
  id?: string;
  question?: string;
}

interface StepText {
  text?: string;
}

const hash = (previous: string, part: string) => createHash('sha1').update(previous).update('\u0000').update(part).digest('base64');

/**
 * The keys of a request about `problem` that carries `trajectories` (a proposal's one prefix, the states a value
 * service rates, the trajectories a reward service scores). Every path is named by a hash chained over the problem
 * and the steps' texts, so equal prefixes get equal names whatever request they came in.
 */
export function affinityKeys(problem: ProblemIdentity | null | undefined, trajectories: readonly (readonly StepText[])[]): AffinityKeys {
  const root = hash('', `${problem?.task ?? ''}\u0000${problem?.id ?? ''}\u0000${problem?.question ?? ''}`);
  const shared = [root];
  const first = trajectories[0] ?? [];
  for (let i = 0; i < first.length; i++) {
    const text = first[i]!.text ?? '';
    if (trajectories.some((steps) => steps[i]?.text !== first[i]!.text)) break;
    shared.push(hash(shared.at(-1)!, text));
  }
  const common = shared.length - 1;
  const served = new Set<string>();
  for (const steps of trajectories) {
    let path = shared[Math.min(common, steps.length)]!;
    for (let i = common; i < steps.length; i++) path = hash(path, steps[i]!.text ?? '');
    served.add(path);
  }
  if (trajectories.length === 0) served.add(root);
  return { shared, served: [...served] };
}

/** Paths remembered per service: a few thousand trees' worth of nodes, some megabytes. */
export const DEFAULT_AFFINITY_PATHS = 65_536;

export class ReplicaAffinity {
  /** Path → the replica that last served it; a Map keeps insertion order, the recency order once touched on use. */
  readonly #paths = new Map<string, string>();

  constructor(readonly capacity = DEFAULT_AFFINITY_PATHS) {}

  /** The replica that served the longest of these paths (`AffinityKeys.shared`), if any still known here. */
  preferred(shared: readonly string[]): string | undefined {
    for (let i = shared.length - 1; i >= 0; i--) {
      const replica = this.#paths.get(shared[i]!);
      if (replica === undefined) continue;
      this.#touch(shared[i]!, replica);
      return replica;
    }
    return undefined;
  }

  /** `replica` answered a request with these keys: it now holds its shared prefix and each trajectory. */
  served(keys: AffinityKeys, replica: string): void {
    for (const path of keys.shared) this.#touch(path, replica);
    for (const path of keys.served) this.#touch(path, replica);
    while (this.#paths.size > this.capacity) {
      const oldest = this.#paths.keys().next().value;
      if (oldest === undefined) break;
      this.#paths.delete(oldest);
    }
  }

  get size(): number {
    return this.#paths.size;
  }

  #touch(path: string, replica: string): void {
    this.#paths.delete(path);
    this.#paths.set(path, replica);
  }
}
