// Best-of-N: sample N whole trajectories, score them, vote.

import { trajectoryScore } from './aggregate.js';
import { isRefusal, type Reservation } from './budget.js';
import type { BonConfig } from './config.js';
import type { AlgorithmResult, Pick, SearchContext } from './context.js';
import type { CallResult } from './gateway.js';
import type { Candidate, StepRewards } from './model.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import { vote, type Ballot } from './vote.js';

interface Rollout {
  readonly index: number;
  /** The node the rollout has reached. */
  leaf: number;
  /** running; finished (terminal); dead (the policy had nothing to add); cut (hit the depth cap). */
  status: 'running' | 'finished' | 'dead' | 'cut';
  score?: number;
  outcome?: number;
}

interface PendingPropose {
  rollout: Rollout;
  reservation: Reservation;
  reply: Promise<CallResult<Candidate[]>>;
}

/**
 * Best-of-N with a verifier (Cobbe et al. 2021, "Training Verifiers to Solve Math Word Problems") and
 * self-consistency voting (Wang et al. 2022, "Self-Consistency Improves Chain of Thought Reasoning").
 *
 * All N rollouts advance together in rounds: a round issues one propose (numCandidates = 1) per running
 * rollout at once, then applies the replies in rollout order, so node ids do not depend on timing. The
 * rollouts a round finishes are scored in one batch call that runs alongside the next round's proposes.
 * A trajectory's score is its outcome reward, else its aggregated process reward.
 *
 * Own stop reasons: 'completed' when every rollout ended; 'max_depth' when the depth cap cut a rollout
 * short (the sample set is then incomplete); 'exhausted' when none finished because the policy ran dry.
 * With stopOnSolution, the first scored trajectory with outcome >= 1 ends the search ('solved') and is
 * the answer; otherwise the vote picks it.
 */
export async function runBestOfN(ctx: SearchContext, config: BonConfig): Promise<AlgorithmResult> {
  const { tree, meter, control, gateway } = ctx;
  const rollouts: Rollout[] = Array.from({ length: config.n }, (_, index) => ({ index, leaf: 0, status: 'running' }));
  let solved: Rollout | undefined;

  const record = (rollout: Rollout, rewards: StepRewards): void => {
    rollout.score = trajectoryScore(rewards, config.aggregation);
    rollout.outcome = rewards.outcome;
    tree
      .pathTo(rollout.leaf)
      .slice(1)
      .forEach((id, step) => {
        const reward = rewards.stepRewards[step];
        if (reward !== undefined) tree.node(id).reward = reward;
      });
    if (rewards.outcome !== undefined) tree.node(rollout.leaf).outcome = rewards.outcome;
  };

  const scoreBatch = async (batch: Rollout[], reservation: Reservation): Promise<void> => {
    const reply = await gateway.score(reservation, batch.map((r) => tree.steps(r.leaf)));
    meter.release(reservation);
    if (!reply.ok) return;
    batch.forEach((rollout, i) => {
      const rewards = reply.value[i];
      if (rewards) record(rollout, rewards);
    });
    if (config.stopOnSolution && !solved) {
      solved = batch.find((r) => (r.outcome ?? 0) >= 1);
      if (solved) control.stop('solved');
    }
  };

  const pick = (): Pick => {
    if (solved) return { answer: tree.node(solved.leaf).answer, best: tree.steps(solved.leaf), score: solved.outcome ?? 0 };
    const voters = rollouts.filter((r) => r.status === 'finished' && tree.node(r.leaf).answer !== '');
    const ballots: Ballot[] = voters.map((r) => ({ answer: tree.node(r.leaf).answer, score: r.score }));
    const result = vote(ballots, config.vote, ctx.answerKey);
    const winner = result ? voters[result.index] : undefined;
    if (result && winner) return { answer: tree.node(winner.leaf).answer, best: tree.steps(winner.leaf), score: result.score };
    // No answer yet: the furthest partial trajectory still tells the caller how far the search got.
    const furthest = rollouts.reduce((a, b) => (tree.node(b.leaf).depth > tree.node(a.leaf).depth ? b : a));
    return { answer: '', best: tree.steps(furthest.leaf), score: 0 };
  };

  let scoring: Promise<void> = Promise.resolve();
  while (!control.stopped) {
    for (const rollout of rollouts) {
      if (rollout.status === 'running' && !meter.canExpandAt(tree.node(rollout.leaf).depth)) rollout.status = 'cut';
    }
    const running = rollouts.filter((r) => r.status === 'running');
    if (running.length === 0) break;
    // Reserved before the proposes so that whatever this round finishes can always be scored.
    const scoreReservation = meter.reserve({ calls: 1 });
    if (isRefusal(scoreReservation)) break;

    const round: PendingPropose[] = [];
    for (const rollout of running) {
      const reservation = meter.reserve({ expansions: 1, calls: 1, nodes: 1 });
      if (isRefusal(reservation)) break;
      const seed = deriveSeed(ctx.seed, rollout.leaf, CALL_PURPOSE.rollout, rollout.index);
      round.push({ rollout, reservation, reply: gateway.propose(reservation, tree.steps(rollout.leaf), 1, seed) });
    }
    const [replies] = await Promise.all([Promise.all(round.map((p) => p.reply)), scoring]);
    if (control.halted) {
      for (const p of round) meter.release(p.reservation);
      meter.release(scoreReservation);
      break;
    }

    const finished: Rollout[] = [];
    round.forEach(({ rollout, reservation }, i) => {
      const reply = replies[i];
      if (!reply?.ok) {
        meter.release(reservation);
        return;
      }
      const candidate = reply.value[0];
      const admitted = candidate ? meter.admitNodes(reservation, 1) : 0;
      meter.release(reservation);
      if (!candidate) {
        tree.addChildren(rollout.leaf, []);
        rollout.status = 'dead';
        return;
      }
      if (admitted === 0) return; // the node cap truncated it; the search is stopping
      const [child] = tree.addChildren(rollout.leaf, [candidate]);
      if (!child) return;
      rollout.leaf = child.id;
      if (child.terminal) {
        rollout.status = 'finished';
        finished.push(rollout);
      }
      ctx.progress(pick);
    });
    if (finished.length > 0) {
      scoring = scoreBatch(finished, scoreReservation);
    } else {
      meter.release(scoreReservation);
      scoring = Promise.resolve();
    }
  }
  await scoring;

  const reason = rollouts.some((r) => r.status === 'cut')
    ? 'max_depth'
    : rollouts.some((r) => r.status === 'finished')
      ? 'completed'
      : 'exhausted';
  return { ...pick(), reason };
}
