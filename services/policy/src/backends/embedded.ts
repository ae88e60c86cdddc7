// The embedded countdown policy: samples distinct legal next steps from a heuristic prior, with optional
// arithmetic slips, so the whole stack runs with no model server. A heuristic, never a solver: it must not
// import the solver or the dataset (embedded.test.ts checks).
import type { Candidate, ProposeRequest__Output, ProposeResponse } from '@arbor/contracts';
import { CancelledError, InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { countdown, estimateTokens } from '@arbor/tasks';
import type { PolicyBackend } from '../backend.js';
import { movePrior } from './embedded-prior.js';
import { createRng } from './embedded-rng.js';
import { logSumExp, sampleDistinct } from './embedded-sampling.js';
import { slipStep } from './embedded-slip.js';

export const EMBEDDED_POLICY_MODEL = 'embedded/countdown-policy';
export const MAX_CANDIDATES = 64;

export interface EmbeddedPolicyOptions {
  /** Probability in [0, 1] that a candidate step carries an arithmetic slip. */
  slipRate: number;
}

export function createEmbeddedPolicy(options: EmbeddedPolicyOptions): PolicyBackend {
  const { slipRate } = options;
  if (!(slipRate >= 0 && slipRate <= 1)) {
    throw new InvalidArgumentError('slip_rate', `must be in [0, 1], got ${slipRate}`);
  }
  return {
    name: 'embedded',
    async propose(request: ProposeRequest__Output, signal: AbortSignal): Promise<ProposeResponse> {
      if (signal.aborted) throw new CancelledError('propose cancelled');
      const started = performance.now();
      const { puzzle, k, temperature, topP, seed } = readRequest(request);
      const steps = (request.prefix?.steps ?? []).map((s) => s.text);
      const rng = createRng(seed);

      // Like an LLM, keep building on what the last step claims, even if an earlier step slipped.
      const state = countdown.claimedState(puzzle, steps);
      const moves = countdown.legalMoves(state);
      const target = countdown.rational(puzzle.target);
      const logits = moves.map((m) => movePrior(m, target));
      const logZ = logSumExp(logits);

      const candidates: Candidate[] = sampleDistinct(logits, k, temperature, topP, rng).map((index) => {
        const move = moves[index] as countdown.Move;
        // One draw per candidate whatever the rate, so the stream (and the rest of the batch) is stable.
        const text = rng.next() < slipRate ? slipStep(move, rng) : countdown.formatMove(move);
        const terminal = move.next.length === 1;
        const answer = terminal ? (countdown.composeAnswer(puzzle, [...steps, text]) ?? '') : '';
        // A terminal step also writes its answer line, which a real model would be billed for.
        const tokens = estimateTokens(text) + (terminal ? estimateTokens(`\nAnswer: ${answer}`) : 0);
        // The logprob is the move's under the prior at temperature 1 (what a model reports), slipped or not.
        return { step: { text, logprob: (logits[index] as number) - logZ, tokens }, terminal, answer };
      });

      return {
        candidates,
        usage: {
          inputTokens: estimateTokens(countdown.renderPrompt(puzzle, steps)),
          outputTokens: candidates.reduce((sum, c) => sum + (c.step?.tokens ?? 0), 0),
          calls: 1,
          costUsd: 0,
          computeMs: performance.now() - started,
          model: EMBEDDED_POLICY_MODEL,
          estimated: true,
        },
      };
    },
  };
}

interface PolicyRequest {
  puzzle: countdown.CountdownPuzzle;
  k: number;
  temperature: number;
  topP: number;
  seed: string;
}

function readRequest(request: ProposeRequest__Output): PolicyRequest {
  if (request.problem === null) throw new InvalidArgumentError('problem', 'is required');
  if (request.problem.task !== countdown.TASK_NAME) {
    throw new InvalidArgumentError('problem.task', `the embedded policy serves "${countdown.TASK_NAME}" only, got ${nameInMessage(request.problem.task)}; for other tasks set ARBOR_POLICY_BACKEND=openai`);
  }
  const puzzle = countdown.parseProblem(request.problem);
  const k = request.numCandidates;
  if (!Number.isInteger(k) || k < 1 || k > MAX_CANDIDATES) {
    throw new InvalidArgumentError('num_candidates', `must be an integer from 1 to ${MAX_CANDIDATES}, got ${k}`);
  }
  // Zero means "backend default" on the wire.
  const temperature = request.sampling?.temperature || 1;
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new InvalidArgumentError('sampling.temperature', `must be positive, got ${temperature}`);
  }
  const topP = request.sampling?.topP || 1;
  if (!(topP > 0 && topP <= 1)) {
    throw new InvalidArgumentError('sampling.top_p', `must be in (0, 1], got ${topP}`);
  }
  return { puzzle, k, temperature, topP, seed: request.sampling?.seed ?? '0' };
}
