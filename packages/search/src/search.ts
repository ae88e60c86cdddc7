// The entry point: validate, wire the tree, meter, gateway and control together, run one algorithm, report.

import { InvalidArgumentError } from '@arbor/kit/errors';
import { runBeamSearch } from './beam.js';
import { runBestFirst } from './bfs.js';
import { runBestOfN } from './bon.js';
import { BudgetMeter, validateBudget, type Budget } from './budget.js';
import { resolveBeam, resolveMcts, validateAlgorithm, type AlgorithmConfig } from './config.js';
import type { AlgorithmResult, Pick, SearchContext } from './context.js';
import { SearchControl } from './control.js';
import { runDvts } from './dvts.js';
import { ModelGateway } from './gateway.js';
import { runLiteSearch } from './litesearch.js';
import { runMcts } from './mcts.js';
import type { ModelClient, Step } from './model.js';
import { runParticleFilter } from './particle-filter.js';
import { runRebase } from './rebase.js';
import { UsageLedger, type SearchStats } from './stats.js';
import type { StopReason } from './stop.js';
import { SearchTree, type TreeSnapshot, type TreeView } from './tree.js';

export interface SearchOptions {
  algorithm: AlgorithmConfig;
  budget: Budget;
  /** Integer in [0, 2^53); the per-call seeds are derived from it, the node and the call's purpose. */
  seed: number;
  client: ModelClient;
  /** Aborting it ends the search with stop reason 'cancelled' and its best answer so far. */
  signal?: AbortSignal;
  /** Aborting it ends the search with stop reason 'shutdown' and its best answer so far (the server is stopping). */
  shutdown?: AbortSignal;
  /** Millisecond clock for the deadline and wallMs; default performance.now. */
  now?: () => number;
  /**
   * The clock reading the deadline counts from; default when runSearch starts. A caller that also gives the
   * model calls an absolute deadline stamps both at one moment, so the search and its calls share one clock.
   */
  startedAt?: number;
  /** Groups answers for votes (e.g. numeric normalisation); default identity. */
  answerKey?: (answer: string) => string;
  /** Identifies a state for dedupeStates (all tree searches); default the step texts joined by newlines. */
  stateKey?: (steps: readonly Step[]) => string;
  /** Called after every expansion; the caller rate-limits. Exceptions it throws are ignored. */
  onProgress?: (progress: SearchProgress) => void;
  /**
   * Least time between two progress reports, on the same clock as the deadline. Computing the current pick
   * can cost as much as the search itself (best-of-N re-votes over every finished rollout), so reports are
   * thinned here, before the pick is made, rather than by the listener. Default 0: after every expansion.
   */
  progressIntervalMs?: number;
}

export interface SearchProgress {
  stats: SearchStats;
  bestScore: number;
  bestAnswer: string;
  /** The tree as it stands, live: nodes are copied only when read (GetTree on a running search). */
  tree: TreeView;
}

export interface SearchOutcome {
  /** Final answer; "" when none was found. */
  answer: string;
  /** The chosen trajectory (a partial one when no answer was found). */
  best: Step[];
  /** Vote share, aggregated reward, outcome or mean value, depending on the algorithm (see each module). */
  score: number;
  stopReason: StopReason;
  /** The whole tree; copied from the search's own on first read. */
  readonly tree: TreeSnapshot;
  /** The same tree without copying it: its size, memory and nodes by range. */
  readonly treeView: TreeView;
  stats: SearchStats;
  /** The model error behind stop reason 'model_unavailable' (or a failed call at the deadline), for logs. */
  error?: unknown;
}

const defaultStateKey = (steps: readonly Step[]): string => steps.map((s) => s.text).join('\n');
const identity = (answer: string): string => answer;

/**
 * Runs one search to its end. Throws only InvalidArgumentError for a bad configuration; once started it
 * always resolves, with the best answer so far, whatever the model services or the budget do.
 */
export async function runSearch(options: SearchOptions): Promise<SearchOutcome> {
  validateAlgorithm(options.algorithm);
  validateBudget(options.budget);
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new InvalidArgumentError('seed', 'must be an integer between 0 and 2^53 - 1');
  }
  const clock = options.now ?? (() => performance.now());
  const control = new SearchControl(clock, options.budget.deadlineMs, options.signal, options.startedAt);
  if (options.shutdown) control.stopWhen(options.shutdown, 'shutdown');
  const tree = new SearchTree();
  const view = tree.view();
  const ledger = new UsageLedger();
  const meter = new BudgetMeter(options.budget, control, ledger, () => tree.size);
  const gateway = new ModelGateway(options.client, meter, control, ledger);
  const stats = (): SearchStats => ledger.snapshot(tree, control.elapsedMs());
  const onProgress = options.onProgress;
  const progressInterval = options.progressIntervalMs ?? 0;
  let lastProgress = -Infinity;
  const ctx: SearchContext = {
    tree,
    meter,
    control,
    gateway,
    seed: options.seed,
    answerKey: options.answerKey ?? identity,
    stateKey: options.stateKey ?? defaultStateKey,
    progress: (pick: () => Pick) => {
      if (!onProgress) return;
      const now = clock();
      if (now - lastProgress < progressInterval) return;
      lastProgress = now;
      try {
        const p = pick();
        onProgress({ stats: stats(), bestScore: p.score, bestAnswer: p.answer, tree: view });
      } catch {
        // A broken progress sink must not take the search down with it.
      }
    },
  };
  try {
    const result = await runAlgorithm(ctx, options.algorithm);
    // The tree is copied only if someone reads it: most callers return a result without it, and many searches
    // ending at once should not each copy thousands of nodes they will not send.
    let snapshot: TreeSnapshot | undefined;
    const outcome: SearchOutcome = {
      answer: result.answer,
      best: result.best.map((s) => ({ text: s.text, logprob: s.logprob, tokens: s.tokens })),
      score: result.score,
      stopReason: control.reason ?? result.reason,
      get tree() {
        snapshot ??= tree.snapshot();
        return snapshot;
      },
      treeView: view,
      stats: stats(),
    };
    if (control.error !== undefined) outcome.error = control.error;
    return outcome;
  } finally {
    control.dispose();
  }
}

function runAlgorithm(ctx: SearchContext, algorithm: AlgorithmConfig): Promise<AlgorithmResult> {
  switch (algorithm.kind) {
    case 'bon':
      return runBestOfN(ctx, algorithm);
    case 'beam':
      return runBeamSearch(ctx, resolveBeam(algorithm));
    case 'mcts':
      return runMcts(ctx, resolveMcts(algorithm));
    case 'dvts':
      return runDvts(ctx, algorithm);
    case 'bfs':
      return runBestFirst(ctx, algorithm);
    case 'litesearch':
      return runLiteSearch(ctx, algorithm);
    case 'rebase':
      return runRebase(ctx, algorithm);
    case 'particle_filter':
      return runParticleFilter(ctx, algorithm);
  }
}
