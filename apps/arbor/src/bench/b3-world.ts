// B3's model services: B2's synthetic task (k distinct steps per state until a fixed depth, hashed values and
// rewards) with each call held for a latency drawn from its call id, and a log of every call: which service,
// which level of the tree it served and the latency it was given, from which the critical path is computed.
import type { EvaluateRequest__Output, EvaluateResponse, ProposeRequest__Output, ProposeResponse, ScoreRequest__Output, ScoreResponse } from '@arbor/contracts';
import { sleep } from '@arbor/kit';
import { ProposeHandler, type PolicyBackend } from '@arbor/policy';
import { EvaluateHandler } from '@arbor/value';
import { ScoreHandler } from '@arbor/reward';
import type { ModelService } from '@arbor/search';
import type { LatencyDraw } from './latency.js';
import { SyntheticPolicy, SyntheticReward, SyntheticValue } from './synthetic.js';

/** Median latency of each service, ms. */
export type ServiceLatencies = Record<ModelService, number>;

export interface CallRecord {
  callId: string;
  service: ModelService;
  /**
   * The tree level the call served: the prefix length of a propose, and for score and evaluate the length of
   * their longest trajectory minus one, so a level's proposes and the scoring of their children share a level.
   */
  level: number;
  latencyMs: number;
}

export interface TimedWorld {
  depth: number;
  medians: ServiceLatencies;
  draw: LatencyDraw;
  /** Every call the backends received, in arrival order. */
  log: CallRecord[];
}

function longest(trajectories: ReadonlyArray<{ steps: unknown[] } | null>): number {
  return trajectories.reduce((most, t) => Math.max(most, t?.steps.length ?? 0), 0);
}

/**
 * Holds a call for its drawn latency before the synthetic backend answers. The latency is drawn and logged
 * on arrival, so a call that is aborted mid-wait is still in the log (and a run that aborts fails its checks).
 */
function hold(world: TimedWorld, service: ModelService, callId: string, level: number, signal: AbortSignal): Promise<void> {
  const latencyMs = world.draw(callId, world.medians[service]);
  world.log.push({ callId, service, level, latencyMs });
  return latencyMs > 0 ? sleep(latencyMs, signal) : Promise.resolve();
}

class TimedPolicy implements PolicyBackend {
  readonly name = 'bench-timed-synthetic';
  readonly #inner: SyntheticPolicy;
  constructor(private readonly world: TimedWorld) {
    this.#inner = new SyntheticPolicy({ depth: world.depth, delayMs: 0 });
  }

  async propose(request: ProposeRequest__Output, signal: AbortSignal): Promise<ProposeResponse> {
    await hold(this.world, 'policy', request.callId, request.prefix?.steps.length ?? 0, signal);
    return this.#inner.propose(request, signal);
  }
}

// Value and reward backends see items, not calls (the services may batch items of several calls), so the hold,
// which needs the call id, wraps their handlers instead; the handlers do not batch, so it is one hold per call.
class TimedEvaluateHandler extends EvaluateHandler {
  constructor(private readonly world: TimedWorld) {
    super(new SyntheticValue({ depth: world.depth, delayMs: 0 }));
  }

  override async evaluate(request: EvaluateRequest__Output, signal: AbortSignal): Promise<EvaluateResponse> {
    await hold(this.world, 'value', request.callId, longest(request.states) - 1, signal);
    return super.evaluate(request, signal);
  }
}

class TimedScoreHandler extends ScoreHandler {
  constructor(private readonly world: TimedWorld) {
    super(new SyntheticReward({ depth: world.depth, delayMs: 0 }));
  }

  override async score(request: ScoreRequest__Output, signal: AbortSignal): Promise<ScoreResponse> {
    await hold(this.world, 'reward', request.callId, longest(request.trajectories) - 1, signal);
    return super.score(request, signal);
  }
}

/** The services' real handlers over the timed synthetic backends. */
export function timedHandlers(world: TimedWorld): { policy: ProposeHandler; value: EvaluateHandler; reward: ScoreHandler } {
  return {
    policy: new ProposeHandler(new TimedPolicy(world)),
    value: new TimedEvaluateHandler(world),
    reward: new TimedScoreHandler(world),
  };
}
