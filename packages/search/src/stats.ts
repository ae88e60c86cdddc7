// What a search consumed: calls, tokens (cached input tokens among them) and cost per service, as reported in
// SearchStats.

import type { ModelService, Usage } from './model.js';

export interface SearchStats {
  /** Policy calls issued to expand a node. */
  expansions: number;
  /** Nodes in the tree, root included. */
  nodes: number;
  /** Calls issued to any model service (a call the transport retried still counts once). */
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those the model servers reported as served from their prefix caches. */
  cachedInputTokens: number;
  costUsd: number;
  /** Time since the search started, on the injected clock. */
  wallMs: number;
  /** Depth of the deepest node. */
  depth: number;
  /** Candidates returned by the policy, before truncation or dedupe. */
  generatedSteps: number;
  /** Steps the policy generated but dropped as invalid (they count in generatedSteps: they were paid for). */
  invalidSteps: number;
  /** Extra attempts transports reported: the sum over replies of `usage.calls - 1`. */
  retries: number;
  /** Extra copies transports sent while an earlier one was still out: the sum over replies of `usage.hedges`. */
  hedges: number;
  /**
   * Per service: `calls` counts calls issued (so the three add up to modelCalls; failed and aborted calls
   * included), tokens and cost sum the replies that arrived.
   */
  perService: Record<ModelService, ServiceUsage>;
}

/** One service's totals over a search: its replies' usage summed, cached input tokens always counted. */
export interface ServiceUsage extends Usage {
  cachedInputTokens: number;
}

const SERVICES: readonly ModelService[] = ['policy', 'value', 'reward'];

function emptyUsage(): ServiceUsage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, calls: 0, costUsd: 0 };
}

/** A usage number from a model service, made safe to add: negative or non-finite counts as 0. */
function count(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

export class UsageLedger {
  readonly #perService: Record<ModelService, ServiceUsage> = { policy: emptyUsage(), value: emptyUsage(), reward: emptyUsage() };
  expansions = 0;
  generatedSteps = 0;
  invalidSteps = 0;
  retries = 0;
  hedges = 0;

  get calls(): number {
    return SERVICES.reduce((sum, s) => sum + this.#perService[s].calls, 0);
  }

  get tokens(): number {
    return SERVICES.reduce((sum, s) => sum + this.#perService[s].inputTokens + this.#perService[s].outputTokens, 0);
  }

  get outputTokens(): number {
    return SERVICES.reduce((sum, s) => sum + this.#perService[s].outputTokens, 0);
  }

  get costUsd(): number {
    return SERVICES.reduce((sum, s) => sum + this.#perService[s].costUsd, 0);
  }

  issued(service: ModelService): void {
    this.#perService[service].calls += 1;
    if (service === 'policy') this.expansions += 1;
  }

  received(service: ModelService, usage: Usage): void {
    const total = this.#perService[service];
    const input = count(usage.inputTokens);
    total.inputTokens += input;
    total.outputTokens += count(usage.outputTokens);
    // Part of the reply's input tokens: a reply claiming more cached than input counts its input only.
    total.cachedInputTokens += Math.min(count(usage.cachedInputTokens ?? 0), input);
    total.costUsd += count(usage.costUsd);
    this.retries += Math.max(0, count(usage.calls) - 1);
    this.hedges += count(usage.hedges ?? 0);
  }

  snapshot(tree: { size: number; maxDepth: number }, wallMs: number): SearchStats {
    const perService = {
      policy: { ...this.#perService.policy },
      value: { ...this.#perService.value },
      reward: { ...this.#perService.reward },
    };
    return {
      expansions: this.expansions,
      nodes: tree.size,
      modelCalls: this.calls,
      inputTokens: SERVICES.reduce((sum, s) => sum + perService[s].inputTokens, 0),
      outputTokens: SERVICES.reduce((sum, s) => sum + perService[s].outputTokens, 0),
      cachedInputTokens: SERVICES.reduce((sum, s) => sum + perService[s].cachedInputTokens, 0),
      costUsd: this.costUsd,
      wallMs,
      depth: tree.maxDepth,
      generatedSteps: this.generatedSteps,
      invalidSteps: this.invalidSteps,
      retries: this.retries,
      hedges: this.hedges,
      perService,
    };
  }
}
