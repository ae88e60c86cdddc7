// Particle filtering: N partial trajectories extended one step per round, weighted by the PRM, resampled.

import { aggregateRewards, trajectoryScore } from './aggregate.js';
import { isRefusal, type Reservation } from './budget.js';
import type { ParticleFilterConfig } from './config.js';
import { noPick, type AlgorithmResult, type Pick, type SearchContext } from './context.js';
import { pickFinished, type Finished } from './finished.js';
import type { CallResult } from './gateway.js';
import type { Candidate, StepRewards } from './model.js';
import { multinomialResample, resamplingProbabilities } from './particle-resampling.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import type { TreeNode } from './tree.js';

/** live: extended every round; finished: reached an answer, kept and not extended; dead: the policy had nothing; cut: at the depth cap. */
type Status = 'live' | 'finished' | 'dead' | 'cut';

interface Particle {
  node: number;
  /** What resampling weighs it by (softmax(weight / temperature)), and a finished particle's ballot. */
  weight: number;
  status: Status;
}

interface Issued {
  particle: Particle;
  reservation: Reservation;
  reply: Promise<CallResult<Candidate[]>>;
}

/**
 * Particle filtering for inference-time scaling (Puri et al. 2025, "A Probabilistic Inference Approach to
 * Inference-Time Scaling of LLMs using Particle-Based Monte Carlo Methods"; also Red Hat's its_hub). Search as
 * inference in a state-space model: the policy is the transition, the process reward model the likelihood of an
 * "accepted" observation, so the particles track the typical set of good trajectories instead of chasing the
 * PRM's mode, and a PRM that is wrong early costs some particles rather than the whole budget.
 *
 * Each round every live particle is extended by one step: one propose with numCandidates = 1 per particle, all at
 * once (each with its own seed, so copies of one particle propose independently), then the round's new nodes are
 * scored in one batch call (and with useValue their non-terminal states evaluated in one call alongside). A
 * particle's weight is its aggregated step rewards ('last', the newest step's reward, is the paper's likelihood),
 * times the value estimate with useValue; a finished particle's is its trajectory score (the outcome reward when
 * the reward service gives one). Then, while any particle is live, the population is resampled: N multinomial
 * draws with probability softmax(weight / temperature) over every particle but the dead ends (temperature 1 is the
 * paper's softmax of the rewards), from seeded uniforms, so the same seed gives the same population. A finished
 * particle stays in the population with its final weight and is not extended; the rounds end when no particle is
 * live. The answer is a vote (`vote`) among the finished particles of the final population, copies counting, a
 * verified one first (one found earlier and resampled away too).
 *
 * With dedupeStates a particle proposing a state that this round already created joins that node rather than
 * making a twin (the particle count is unchanged); one proposing a state found at another depth is a dead end.
 *
 * Own stop reasons: 'max_depth' when particles reached the depth cap; 'completed' when some finished; 'exhausted'
 * when every particle died without an answer.
 */
export async function runParticleFilter(ctx: SearchContext, config: ParticleFilterConfig): Promise<AlgorithmResult> {
  const { tree, meter, control, gateway } = ctx;
  let population: Particle[] = Array.from({ length: config.particles }, () => ({ node: 0, weight: 0, status: 'live' }));
  const rewardsOf = new Map<number, StepRewards>();
  /** State key to node, with dedupeStates. */
  const states = new Map<string, number>();
  if (config.dedupeStates) states.set(ctx.stateKey([]), 0);
  /** Every finished node once, by first arrival: the fallback ballots, and verified answers never get lost. */
  const everFinished = new Map<number, Finished>();

  const pick = (): Pick => {
    const current: Finished[] = population.filter((p) => p.status === 'finished').map((p) => ({ node: p.node, score: p.weight }));
    const earlier = [...everFinished.values()];
    const verified = earlier.filter((f) => (tree.node(f.node).outcome ?? 0) >= 1);
    const chosen = pickFinished(tree, current.length > 0 ? [...current, ...verified] : earlier, config.vote, ctx.answerKey);
    if (chosen) return chosen;
    const lead = population.reduce<Particle | undefined>(
      (top, p) =>
        (p.status === 'live' || p.status === 'cut') &&
        (!top || p.weight > top.weight || (p.weight === top.weight && p.node < top.node))
          ? p
          : top,
      undefined,
    );
    return lead ? { answer: '', best: tree.steps(lead.node), score: lead.weight } : noPick();
  };

  /** N seeded multinomial draws over every particle but the dead ends; the copies are independent particles. */
  const resample = (from: readonly Particle[], r: number): Particle[] => {
    const probabilities = resamplingProbabilities(
      from.map((p) => (p.status === 'dead' ? null : p.weight)),
      config.temperature,
    );
    const uniform = (i: number): number => deriveSeed(ctx.seed, r, CALL_PURPOSE.resample, i) / 0x1_0000_0000;
    return multinomialResample(probabilities, config.particles, uniform).map((j) => ({ ...(from[j] as Particle) }));
  };

  let round = 0;
  while (!control.stopped) {
    for (const p of population) {
      if (p.status === 'live' && !meter.canExpandAt(tree.node(p.node).depth)) p.status = 'cut';
    }
    if (!population.some((p) => p.status === 'live')) break;
    // Reserved before any propose, so the nodes this round creates can always be scored.
    const assessment = meter.reserve({ calls: config.useValue ? 2 : 1 });
    if (isRefusal(assessment)) break;

    const issued: Issued[] = [];
    for (const [slot, particle] of population.entries()) {
      if (particle.status !== 'live') continue;
      const reservation = meter.reserve({ expansions: 1, calls: 1, nodes: 1 });
      if (isRefusal(reservation)) break;
      const seed = deriveSeed(ctx.seed, particle.node, CALL_PURPOSE.particle, slot);
      issued.push({ particle, reservation, reply: gateway.propose(reservation, tree.steps(particle.node), 1, seed) });
    }
    const replies = await Promise.all(issued.map((i) => i.reply));
    if (control.halted) {
      for (const i of issued) meter.release(i.reservation);
      meter.release(assessment);
      break;
    }

    // Replies applied in particle order, so node ids never depend on which reply arrived first.
    const created: TreeNode[] = [];
    const moved: Particle[] = [];
    issued.forEach(({ particle, reservation }, i) => {
      const reply = replies[i];
      if (!reply?.ok) {
        // Refused when issued (a spent budget) or failed: the stop reason is set and the particle stays put.
        meter.release(reservation);
        return;
      }
      const parent = tree.node(particle.node);
      const candidate = reply.value[0];
      const key = candidate && config.dedupeStates ? ctx.stateKey([...tree.steps(parent.id), candidate.step]) : undefined;
      const twin = key === undefined ? undefined : states.get(key);
      if (!candidate || (twin !== undefined && tree.node(twin).depth !== parent.depth + 1)) {
        meter.release(reservation);
        tree.addChildren(parent.id, []); // asked, nothing (new) to add: a dead end
        particle.status = 'dead';
        return;
      }
      if (twin !== undefined) {
        meter.release(reservation);
        tree.addChildren(parent.id, []);
        particle.node = twin;
        moved.push(particle);
        ctx.progress(pick);
        return;
      }
      const admitted = meter.admitNodes(reservation, 1);
      meter.release(reservation);
      if (admitted === 0) return; // the node cap: the search is stopping
      const [child] = tree.addChildren(parent.id, [candidate]);
      if (!child) return;
      if (key !== undefined) states.set(key, child.id);
      created.push(child);
      particle.node = child.id;
      moved.push(particle);
      ctx.progress(pick);
    });

    let assessed = true;
    if (created.length === 0) {
      meter.release(assessment);
    } else {
      const open = config.useValue ? created.filter((c) => !c.terminal) : [];
      const [rewards, values] = await Promise.all([
        gateway.score(assessment, created.map((c) => tree.steps(c.id))),
        open.length > 0 ? gateway.evaluate(assessment, open.map((c) => tree.steps(c.id))) : undefined,
      ]);
      meter.release(assessment);
      if (rewards.ok) {
        created.forEach((child, i) => {
          const r = rewards.value[i];
          if (!r) return;
          rewardsOf.set(child.id, r);
          child.reward = r.stepRewards.at(-1);
          if (child.terminal && r.outcome !== undefined) child.outcome = r.outcome;
        });
      }
      if (values?.ok) open.forEach((c, i) => (c.value = values.value[i]));
      assessed = rewards.ok && (values === undefined || values.ok) && !control.halted;
    }

    for (const particle of moved) {
      const node = tree.node(particle.node);
      const rewards = rewardsOf.get(node.id);
      if (node.terminal) {
        particle.status = 'finished';
        particle.weight = rewards ? trajectoryScore(rewards, config.aggregation) : 0;
        if (rewards && !everFinished.has(node.id)) everFinished.set(node.id, { node: node.id, score: particle.weight });
      } else {
        const prm = rewards ? aggregateRewards(rewards.stepRewards, config.aggregation) : 0;
        particle.weight = prm * (config.useValue ? (node.value ?? 0) : 1);
      }
    }
    if (!assessed) break;
    if (config.stopOnSolution && moved.some((p) => (tree.node(p.node).outcome ?? 0) >= 1)) {
      control.stop('solved');
      break;
    }
    if (control.stopped) break;
    if (population.some((p) => p.status === 'live')) population = resample(population, round);
    round += 1;
  }

  const reason = population.some((p) => p.status === 'cut')
    ? 'max_depth'
    : everFinished.size > 0
      ? 'completed'
      : 'exhausted';
  return { ...pick(), reason };
}
