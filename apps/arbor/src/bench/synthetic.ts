// A synthetic task for B2: every state has as many distinct next steps as asked for until a fixed depth, where
// every step is terminal; steps, values and rewards are hashes of the path, so any transport that delivers the
// same bytes builds the same tree. Each backend answers after a fixed delay, standing in for model latency.
import type { ProposeRequest__Output, ProposeResponse, StepRewards, Trajectory__Output, Usage } from '@arbor/contracts';
import { ProposeHandler, type PolicyBackend } from '@arbor/policy';
import { EvaluateHandler, type ValueBackend, type ValueItem } from '@arbor/value';
import { ScoreHandler, type RewardBackend, type RewardItem } from '@arbor/reward';

export interface SyntheticWorld {
  /** Every trajectory ends (terminal, with an answer) at exactly this many steps. */
  depth: number;
  /** How long every call takes before it answers, ms; 0 answers without a timer. */
  delayMs: number;
}

/** 32-bit FNV-1a: cheap, well spread, and the same on every machine. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A hash in [0, 1): never 1, so no outcome counts as solved and the search always runs to its full depth. */
function unit(text: string): number {
  return fnv1a(text) / 2 ** 32;
}

function path(trajectory: Trajectory__Output | null | undefined): string[] {
  return trajectory?.steps.map((s) => s.text) ?? [];
}

/** Waits `ms`, or rejects with the call's abort reason; a zero delay adds no timer (setTimeout(0) is ~1 ms). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class SyntheticPolicy implements PolicyBackend {
  readonly name = 'bench-synthetic';
  constructor(private readonly world: SyntheticWorld) {}

  async propose(request: ProposeRequest__Output, signal: AbortSignal): Promise<ProposeResponse> {
    await pause(this.world.delayMs, signal);
    const prefix = path(request.prefix);
    const depth = prefix.length + 1;
    if (depth > this.world.depth) return { candidates: [], usage: { inputTokens: 8 * prefix.length, calls: 1 } };
    const terminal = depth === this.world.depth;
    // The sampling seed is part of the key, as it would be for a sampled model: same seed, same candidates.
    const key = `${prefix.join('/')}#${request.sampling?.seed ?? ''}`;
    const candidates = Array.from({ length: request.numCandidates }, (_, i) => {
      const h = fnv1a(`${key}#${i}`);
      return {
        step: { text: `s${depth}.${i}.${h.toString(16).padStart(8, '0')}`, logprob: -(h % 1000) / 256, tokens: 4 + (h % 5) },
        terminal,
        answer: terminal ? `a${h % 1000}` : '',
      };
    });
    const outputTokens = candidates.reduce((sum, c) => sum + c.step.tokens, 0);
    return { candidates, usage: { inputTokens: 8 * prefix.length, outputTokens, calls: 1, model: 'bench/synthetic' } };
  }
}

export class SyntheticValue implements ValueBackend {
  readonly name = 'bench-synthetic';
  constructor(private readonly world: SyntheticWorld) {}

  check(): void {}

  async evaluate(items: readonly ValueItem[], signal: AbortSignal): Promise<{ values: number[]; usage: Usage }> {
    await pause(this.world.delayMs, signal);
    const values = items.map((item) => unit(`value|${path(item.state).join('/')}`));
    return { values, usage: { inputTokens: 8 * items.length, calls: 1, model: 'bench/synthetic' } };
  }
}

export class SyntheticReward implements RewardBackend {
  readonly name = 'bench-synthetic';
  constructor(private readonly world: SyntheticWorld) {}

  check(): void {}

  async score(items: readonly RewardItem[], signal: AbortSignal): Promise<{ rewards: StepRewards[]; usage: Usage }> {
    await pause(this.world.delayMs, signal);
    const rewards = items.map(({ trajectory }): StepRewards => {
      const steps = path(trajectory);
      const stepRewards = steps.map((_, i) => unit(`reward|${steps.slice(0, i + 1).join('/')}`));
      return steps.length >= this.world.depth ? { stepRewards, outcome: unit(`outcome|${steps.join('/')}`) } : { stepRewards };
    });
    return { rewards, usage: { inputTokens: 8 * items.length, calls: 1, model: 'bench/synthetic' } };
  }
}

/** The services' real handlers over the synthetic backends: the same envelope checks as in production. */
export function syntheticHandlers(world: SyntheticWorld): { policy: ProposeHandler; value: EvaluateHandler; reward: ScoreHandler } {
  return {
    policy: new ProposeHandler(new SyntheticPolicy(world)),
    value: new EvaluateHandler(new SyntheticValue(world)),
    reward: new ScoreHandler(new SyntheticReward(world)),
  };
}
