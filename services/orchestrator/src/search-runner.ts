// The SearchService's domain: validates a request, runs the search over the model transports, keeps the
// trees for GetTree and the running searches for CancelSearch. No gRPC in here.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { context } from '@opentelemetry/api';
import { arborV1, MAX_MODEL_MESSAGE_BYTES, type Problem, type SearchProgress, type SearchRequest__Output, type SearchResult, type SearchSummary, type Tree } from '@arbor/contracts';
import { runSearch, validateBudget, type AlgorithmConfig, type Budget, type SearchOutcome, type TreeView } from '@arbor/search';
import { answerKeysOf, getTask, type ProblemLike, type TaskDefinition } from '@arbor/tasks';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  isArborError,
  NotFoundError,
  ResourceExhaustedError,
  UnavailableError,
  type ErrorKind,
} from '@arbor/kit/errors';
import type { Logger } from '@arbor/kit';
import { ANONYMOUS_PRINCIPAL, type Principal } from '@arbor/kit/auth';
import { Admission, DEFAULT_ADMISSION, type AdmissionLimits } from './admission.js';
import { algorithmFromRequest } from './algorithms.js';
import { budgetFromRequest, DEFAULT_BUDGET_LIMITS, withTenantLimits, type BudgetLimits } from './budget.js';
import { bindModelClient } from './model-client.js';
import { chosenPath, MAX_RANKED_ANSWERS, rankAnswers } from './ranked-answers.js';
import { RecentSearches } from './recent-searches.js';
import { costToWire, progressToWire, resultToWire, stopReasonToWire } from './results.js';
import { defaultRetentionBytes, RetainedTrees, treeMemoryBytes } from './retained-trees.js';
import { treePage } from './tree-pages.js';
import { startSearchTrace } from './trace-context.js';
import { TenantQuotas } from './tenant-quotas.js';
import { nextTurn } from './turns.js';
import type { ModelTransports } from './transport/types.js';

export interface SearchRunnerOptions {
  transports: Omit<ModelTransports, 'close'>;
  logger: Logger;
  limits?: BudgetLimits;
  /** Searches running at once, and how many may wait for how long; beyond that RESOURCE_EXHAUSTED. */
  admission?: AdmissionLimits;
  /** Estimated bytes of finished trees kept for GetTree (oldest dropped first); default a quarter of the heap. */
  retainedTreeBytes?: number;
  /** Least time between two progress events of one search. */
  progressIntervalMs?: number;
  /** Search summaries kept for ListSearches, over all tenants (oldest dropped first). */
  recentSearches?: number;
  /** Told of every search that finished with a result, with its whole tree (to keep it where other replicas read it). */
  onTreeFinished?: (tenant: string, searchId: string, tree: TreeView) => void;
}

export interface RunOptions {
  /** Who asked: the search is theirs alone, within their limits. Default the anonymous tenant, unlimited. */
  principal?: Principal;
  signal?: AbortSignal;
  onProgress?: (progress: SearchProgress) => void;
  /**
   * A finished search's tree kept under the same id is dropped instead of refusing the id: a job's problem run
   * again (after its result failed to reach the results stream) keeps its id, so that its tree can be found.
   */
  replaceFinished?: boolean;
  /** Called once the search has its slot and starts (not when it is refused or waits in vain). */
  onStarted?: () => void;
}

/** What a request asks for, once checked: the same checks for a search that runs now and for a job's. */
interface CheckedRequest {
  problem: ProblemLike;
  task: TaskDefinition;
  algorithm: AlgorithmConfig;
  budget: Budget;
}

interface RunningSearch {
  controller: AbortController;
  /** The search's tree, live; set at its first progress report. */
  tree?: TreeView;
}

/** A validated search that has its slot: what run() needs to carry it out. */
interface AdmittedSearch {
  searchId: string;
  tenant: string;
  /** Where the runner keeps it: the tenant and the id together, since ids are unique per tenant only. */
  key: string;
  problem: ProblemLike;
  task: TaskDefinition;
  /** The problem as it arrived, sent with every model call. */
  wireProblem: Problem;
  algorithm: AlgorithmConfig;
  budget: Budget;
  /** performance.now() and Date.now() of its arrival: its deadline counts from there. */
  started: number;
  deadlineEpoch: number;
  entry: RunningSearch;
  controller: AbortController;
}

/** How much longer a model call may run than its search: the search's deadline always comes first. */
const CALL_DEADLINE_SLACK_MS = 250;

const SEARCH_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Never echoed back: a bad id may be anything, of any length. */
function checkSearchId(searchId: string): void {
  if (!SEARCH_ID_PATTERN.test(searchId)) {
    throw new InvalidArgumentError('search_id', 'must be 1 to 128 characters of letters, digits and . _ : -');
  }
}


/** A search's key in the runner's maps: ids are the tenant's own, so two tenants may each have a search "a". */
function ownedKey(tenant: string, searchId: string): string {
  return `${tenant}\n${searchId}`;
}

/** Error kinds that mean a model service could not answer, as opposed to refusing the request. */
const OUTAGE_KINDS: ReadonlySet<ErrorKind> = new Set(['unavailable', 'deadline_exceeded', 'internal', 'cancelled']);
/** Refusals that no later call of the same search could escape: the configuration itself cannot serve it. */
const CONFIGURATION_REFUSALS: ReadonlySet<ErrorKind> = new Set(['invalid_argument', 'unauthenticated']);

/**
 * Every model call carries the problem, so a problem that cannot fit in a model message (256 KiB)
 * is refused before the search starts rather than failing on its first call.
 */
const MAX_PROBLEM_BYTES = MAX_MODEL_MESSAGE_BYTES / 2;

function checkProblemSize(problem: Problem): void {
  const bytes = arborV1().PolicyService.service.Propose.requestSerialize({ problem }).length;
  if (bytes > MAX_PROBLEM_BYTES) {
    throw new ResourceExhaustedError(`problem: ${bytes} bytes encoded; at most ${MAX_PROBLEM_BYTES} fit in a model message with room for the trajectory`);
  }
}

function toProblemLike(problem: Problem): ProblemLike {
  return { task: problem.task ?? '', question: problem.question ?? '', params: { ...(problem.params ?? {}) } };
}

/** One signal every running search listens to: no listener limit, whatever the number of searches. */
function shutdownController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** What a failed search's summary says: the status the caller got, whose messages never quote the problem. */
function describeFailure(err: unknown): string {
  if (isArborError(err)) return `${err.kind.toUpperCase()}: ${err.message}`;
  return 'INTERNAL: the search failed';
}

/** uint64 seeds arrive as decimal strings; the search's RNG takes 32 bits, so fold the high half in. */
export function seedFromWire(seed: string): number {
  const value = BigInt(seed || '0');
  return Number((value ^ (value >> 32n)) & 0xffffffffn);
}

export class SearchRunner {
  private readonly running = new Map<string, RunningSearch>();
  /** Finished trees, converted to the wire form only when someone asks for a page. */
  private readonly finishedTrees: RetainedTrees;
  private readonly recent: RecentSearches;
  /** Memory for trees, running and kept together. */
  private readonly treeMemory = treeMemoryBytes();
  private readonly limits: BudgetLimits;
  private readonly admission: Admission;
  private readonly quotas = new TenantQuotas();
  private readonly progressIntervalMs: number;
  /** Aborted when the server is about to stop: every search then ends at once with its best answer. */
  private readonly shutdown = shutdownController();
  private draining = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly options: SearchRunnerOptions) {
    this.limits = options.limits ?? DEFAULT_BUDGET_LIMITS;
    this.admission = new Admission(options.admission ?? DEFAULT_ADMISSION);
    this.finishedTrees = new RetainedTrees(options.retainedTreeBytes ?? defaultRetentionBytes());
    this.recent = new RecentSearches(options.recentSearches);
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
  }

  /** Searches running now (admitted; not those waiting for a slot). */
  get runningCount(): number {
    return this.admission.running;
  }

  /** What the trees of the other running searches hold now, estimated. */
  private liveTreeBytes(except: string): number {
    let bytes = 0;
    for (const [key, entry] of this.running) if (key !== except) bytes += entry.tree?.estimatedBytes ?? 0;
    return bytes;
  }

  /** Searches waiting for a slot. */
  get waitingCount(): number {
    return this.admission.waiting;
  }

  /** Searches that could start now without waiting: slots free and nobody queued for one. */
  get freeSlots(): number {
    return this.admission.waiting > 0 ? 0 : Math.max(0, this.admission.limits.maxRunning - this.admission.running);
  }

  /**
   * Checks a request as search() does before it runs (INVALID_ARGUMENT naming the field, RESOURCE_EXHAUSTED for a
   * problem too large), without running it.
   */
  check(request: SearchRequest__Output, principal: Principal = ANONYMOUS_PRINCIPAL): CheckedRequest {
    if (!request.problem) throw new InvalidArgumentError('problem', 'is required');
    const { problem, task } = this.checkProblem(request.problem);
    const algorithm = algorithmFromRequest(request);
    if (request.answers > MAX_RANKED_ANSWERS) throw new InvalidArgumentError('answers', `must be at most ${MAX_RANKED_ANSWERS}, got ${request.answers}`);
    const budget = withTenantLimits(budgetFromRequest(request.budget, this.limits), principal.limits);
    validateBudget(budget);
    return { problem, task, algorithm, budget };
  }

  /** The problem's part of check(): its size, and its task's own checks. */
  checkProblem(wire: Problem): { problem: ProblemLike; task: TaskDefinition } {
    checkProblemSize(wire);
    const problem = toProblemLike(wire);
    const task = getTask(problem.task);
    task.validateProblem(problem);
    return { problem, task };
  }

  async search(request: SearchRequest__Output, options: RunOptions = {}): Promise<SearchResult> {
    const principal = options.principal ?? ANONYMOUS_PRINCIPAL;
    const { problem, task, algorithm, budget } = this.check(request, principal);
    const wireProblem = request.problem!;
    const searchId = request.searchId || randomUUID();
    checkSearchId(searchId);
    if (this.draining) throw new UnavailableError('server is draining and takes no new search; retry on another replica');
    const { tenant } = principal;
    const key = ownedKey(tenant, searchId);
    if (options.replaceFinished === true && !this.running.has(key)) this.finishedTrees.remove(key);
    // An id names one search for as long as anything of it can be asked for: GetTree must never answer with
    // another search's tree.
    if (this.running.has(key) || this.finishedTrees.get(key)) {
      throw new AlreadyExistsError('search_id: a search with this id is running or its tree is still kept; choose another id, or send none for one the server assigns');
    }
    const leaveQuota = this.quotas.enter(principal);

    // Known from now on (CancelSearch reaches it while it waits for a slot); its deadline counts from now too.
    const controller = new AbortController();
    const entry: RunningSearch = { controller };
    this.running.set(key, entry);
    this.recent.started(key, { tenant, searchId, problemId: wireProblem.id, task: problem.task, algorithm: algorithm.kind, startedUnixMs: Date.now() });
    const onCallerAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    // A caller that gave up before this point would never fire the listener.
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    const forget = () => {
      options.signal?.removeEventListener('abort', onCallerAbort);
      leaveQuota();
      this.running.delete(key);
      if (this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
    // One clock: the search's deadline and its model calls' (an absolute time other processes read) are stamped
    // at the same moment. The calls get a little longer, so that at the deadline the search's own timer stops it
    // (STOP_REASON_DEADLINE, best answer kept) before any call can fail on its own timeout.
    const started = performance.now();
    const deadlineEpoch = Date.now() + budget.deadlineMs;
    try {
      await this.admission.enter(controller.signal, deadlineEpoch);
      // Requests often arrive together (one socket read can hold hundreds): start each in a turn of its own.
      await nextTurn();
      options.onStarted?.();
    } catch (err) {
      this.recent.failed(key, describeFailure(err), Date.now());
      forget();
      throw err;
    }
    try {
      return await this.run(request, { searchId, tenant, key, problem, wireProblem, task, algorithm, budget, started, deadlineEpoch, entry, controller }, options);
    } finally {
      this.admission.leave();
      forget();
    }
  }

  private async run(request: SearchRequest__Output, search: AdmittedSearch, options: RunOptions): Promise<SearchResult> {
    const { searchId, tenant, key, problem, task, algorithm, budget, started, entry, controller } = search;
    // The tree's root span; never given the problem text, which must not reach spans or logs.
    const trace = startSearchTrace({ searchId, tenant, algorithm: algorithm.kind, task: problem.task });
    this.recent.traced(key, trace.traceId);
    const callDeadline = search.deadlineEpoch + CALL_DEADLINE_SLACK_MS;
    // One key function for the whole search: the vote and the ranked answers must group answers alike.
    const answerKey = answerKeysOf(task, problem);
    try {
      const client = bindModelClient({
        transports: this.options.transports,
        problem: search.wireProblem,
        sampling: {},
        deadline: callDeadline,
        searchId,
        traceContext: trace.context,
      });
      const outcome: SearchOutcome = await context.with(trace.context, () => runSearch({
        algorithm,
        budget,
        startedAt: started,
        shutdown: this.shutdown.signal,
        seed: seedFromWire(request.seed),
        client,
        signal: controller.signal,
        answerKey,
        stateKey: (steps) => task.stateKey(problem, steps.map((s) => s.text)),
        // The search thins its reports to one per interval before working out its best answer (which can be
        // costly), so every report that arrives is forwarded.
        progressIntervalMs: this.progressIntervalMs,
        onProgress: (progress) => {
          entry.tree = progress.tree;
          const wire = progressToWire(searchId, progress.stats, performance.now() - started, progress.bestScore, progress.bestAnswer);
          this.recent.progressed(key, wire.stats ?? {}, costToWire(progress.stats), progress.bestScore);
          options.onProgress?.(wire);
        },
      }));
      // Wrapping up is cheap (the tree is converted only if asked for), so it runs at once: many searches
      // reaching their deadline together must not queue behind other searches' work.
      const wallMs = performance.now() - started;
      const solved = outcome.answer !== '' && task.verifyAnswer(problem, outcome.answer);
      // The same stats go on the root span and into the result below: the two must never disagree.
      trace.finish(outcome, solved);
      // A model service that refused the request itself is the caller's problem, not an outage. A refusal of the
      // whole configuration (a task its backend does not serve, a bad API key) fails the search even with an
      // answer in hand: that answer came from a pipeline that cannot work. Other refusals (a model server's 4xx
      // for one long trajectory, say) keep the best answer so far.
      if (outcome.stopReason === 'model_unavailable' && isArborError(outcome.error) && CONFIGURATION_REFUSALS.has(outcome.error.kind)) throw outcome.error;
      if (outcome.stopReason === 'model_unavailable' && outcome.answer !== '') {
        this.options.logger.warn({ searchId, tenant, trace_id: trace.traceId, err: outcome.error }, 'search stopped early: model service unavailable; returning its best answer so far');
      }
      if (outcome.stopReason === 'model_unavailable' && outcome.answer === '') {
        // With no answer, any refusal (a bad argument, a message too large) goes to the caller unchanged.
        if (isArborError(outcome.error) && !OUTAGE_KINDS.has(outcome.error.kind)) throw outcome.error;
        // Nothing to return but a failure: say so with a status callers and retries understand.
        this.options.logger.warn({ searchId, tenant, trace_id: trace.traceId, err: outcome.error }, 'search stopped: model service unavailable');
        // The underlying error (addresses, transport details) goes to the log above, not to the caller.
        // The cause stays in this process: the CLI's in-process stack shows it to its user, gRPC sends only the message.
        throw new UnavailableError(
          `model service unavailable; search ${searchId} stopped after ${outcome.stats.expansions} expansions with no answer`,
          { cause: outcome.error },
        );
      }
      this.finishedTrees.add(key, outcome.treeView, this.treeMemory - this.liveTreeBytes(key));
      // A tree cut short by this replica's shutdown is not shared: a job runs that problem again elsewhere, and
      // the stored tree would be read in place of the live one.
      if (outcome.stopReason !== 'shutdown') this.options.onTreeFinished?.(tenant, searchId, outcome.treeView);
      this.options.logger.info(
        {
          searchId,
          tenant,
          trace_id: trace.traceId,
          algorithm: algorithm.kind,
          stopReason: outcome.stopReason,
          solved,
          expansions: outcome.stats.expansions,
          nodes: outcome.stats.nodes,
          modelCalls: outcome.stats.modelCalls,
          wallMs: Math.round(wallMs),
        },
        'search finished',
      );
      const result = resultToWire(outcome, {
        searchId,
        algorithm: algorithm.kind,
        traceId: trace.traceId,
        wallMs,
        solved,
        includeTree: request.includeTree,
      });
      if (request.answers > 0) {
        result.answers = rankAnswers(outcome.treeView, outcome, answerKey, request.answers);
      }
      const best = outcome.best;
      this.recent.finished(
        key,
        {
          stopReason: stopReasonToWire(outcome.stopReason),
          solved,
          answer: outcome.answer,
          score: outcome.score,
          stats: result.stats ?? {},
          cost: result.cost ?? [],
          finishedUnixMs: Date.now(),
        },
        // Only while the tree is kept: a summary must not hold a tree past the retention budget.
        () => {
          const tree = this.finishedTrees.get(key);
          return tree ? chosenPath(tree, best) : [];
        },
      );
      return result;
    } catch (err) {
      this.recent.failed(key, describeFailure(err), Date.now());
      trace.fail(err);
      throw err;
    } finally {
      trace.end();
    }
  }

  /**
   * Winds down for a shutdown: no new search from now on (UNAVAILABLE, so clients go to another replica); the
   * running ones go on for `stopAfterMs`, then end at once with STOP_REASON_SHUTDOWN and their best answer.
   * Resolves when none is left running.
   */
  drain(stopAfterMs: number): Promise<void> {
    this.draining = true;
    this.admission.close('server is draining and takes no new search; retry on another replica');
    if (this.running.size === 0) return Promise.resolve();
    const timer = setTimeout(() => this.shutdown.abort(), Math.max(0, stopAfterMs));
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * A page of the tree of a running or recently finished search of `tenant` (see tree-pages.ts). Another tenant's
   * search is NOT_FOUND, as one that never ran: whether it exists is not theirs to know.
   */
  getTree(tenant: string, searchId: string, pageSize = 0, pageToken = '', startNodeId = 0, pageBytes?: number): Tree {
    checkSearchId(searchId);
    const key = ownedKey(tenant, searchId);
    const running = this.running.get(key);
    if (running) {
      return running.tree ? treePage(searchId, running.tree, pageSize, pageToken, startNodeId, pageBytes) : { searchId, nodes: [], totalNodes: 0, nextPageToken: '' };
    }
    const kept = this.finishedTrees.get(key);
    if (kept) return treePage(searchId, kept, pageSize, pageToken, startNodeId, pageBytes);
    if (this.finishedTrees.expired(key)) {
      const mb = Math.round(this.finishedTrees.budgetBytes / 2 ** 20);
      throw new NotFoundError(`search_id: the tree of this search has expired (finished trees are kept within ${mb} MB, oldest dropped first)`);
    }
    throw new NotFoundError('search_id: no running or recent search with this id');
  }

  /** Whether a search of `tenant` with this id is running (or waiting for a slot) in this process. */
  isRunning(tenant: string, searchId: string): boolean {
    return this.running.has(ownedKey(tenant, searchId));
  }

  /** Recent searches of `tenant`, newest first (see RecentSearches). */
  listSearches(tenant: string, limit: number, searchId = ''): SearchSummary[] {
    if (searchId !== '') checkSearchId(searchId);
    return this.recent.list(tenant, limit, searchId);
  }

  /**
   * Cancels a running search of `tenant`: true when it was running, false when it had already finished (its tree
   * still kept). NOT_FOUND for any other id, another tenant's included.
   */
  cancel(tenant: string, searchId: string): boolean {
    checkSearchId(searchId);
    const key = ownedKey(tenant, searchId);
    const entry = this.running.get(key);
    if (entry) {
      entry.controller.abort(new Error('cancelled by CancelSearch'));
      return true;
    }
    if (this.finishedTrees.get(key) || this.finishedTrees.expired(key)) return false;
    throw new NotFoundError('search_id: no running or recent search with this id');
  }

  /** Cancels every running search (used on shutdown after the grace period). */
  cancelAll(): void {
    for (const entry of this.running.values()) entry.controller.abort(new Error('server shutting down'));
  }
}
