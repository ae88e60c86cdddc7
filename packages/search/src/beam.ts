// Step-level beam search guided by a process reward model.

import { aggregateRewards, trajectoryScore } from './aggregate.js';
import { isRefusal, type Reservation } from './budget.js';
import type { ResolvedBeamConfig } from './config.js';
import { noPick, type AlgorithmResult, type Pick, type SearchContext } from './context.js';
import type { CallResult } from './gateway.js';
import { rollOut } from './lookahead.js';
import type { Candidate, StepRewards } from './model.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import type { TreeNode } from './tree.js';

interface Beam {
  node: number;
  /** Aggregated PRM (x value when useValue) that earned the node its place. */
  rank: number;
}

interface Finished {
  node: number;
  score: number;
}

interface PendingPropose {
  beam: Beam;
  reservation: Reservation;
  reply: Promise<CallResult<Candidate[]>>;
}

/**
 * Beam search over reasoning steps with a PRM, as in Snell et al. 2024 ("Scaling LLM Test-Time Compute
 * Optimally can be More Effective than Scaling Model Parameters") and HuggingFace's search-and-learn.
 *
 * Per level: one propose per beam (M candidates), all issued at once; children are created in beam order
 * after all replies are in (deterministic ids); then one batch score call for all new children and, with
 * useValue, one batch evaluate call for the non-terminal ones, both at once. Terminal children join the
 * finished pool (score: outcome, else aggregated PRM); the best N non-terminal children become the next beams.
 *
 * With lookahead k > 0 (Snell et al.'s lookahead search), every non-terminal child is first rolled out k
 * more steps (see rollOut) and the score call judges the rolled-out trajectory instead: the child's rank
 * is the aggregated PRM of where its continuation leads. The rollout nodes stay in the tree, and a rollout
 * that finishes joins the finished pool (it is a real, scored answer), but only the children are beams and
 * only finished children count towards the N that complete the search.
 *
 * Own stop reasons: 'completed' when N trajectories finished, or beams ran out after something finished;
 * 'exhausted' when beams ran out and nothing finished; 'max_depth' when the beams reached the depth cap.
 */
export async function runBeamSearch(ctx: SearchContext, config: ResolvedBeamConfig): Promise<AlgorithmResult> {
  const { tree, meter, control, gateway } = ctx;
  let beams: Beam[] = [{ node: 0, rank: 0 }];
  const finished: Finished[] = [];
  /** Finished beams (terminal children); finished lookahead rollouts are answers, but not beams. */
  let completed = 0;
  let capped = false;

  const pick = (): Pick => {
    const top = finished.reduce<Finished | undefined>(
      (best, f) => (!best || f.score > best.score || (f.score === best.score && f.node < best.node) ? f : best),
      undefined,
    );
    if (top) return { answer: tree.node(top.node).answer, best: tree.steps(top.node), score: top.score };
    const lead = beams[0];
    return lead ? { answer: '', best: tree.steps(lead.node), score: lead.rank } : noPick();
  };

  while (!control.stopped) {
    if (completed >= config.beamWidth) break;
    const lead = beams[0];
    if (!lead) break;
    // All beams of a level share one depth, so the cap stops them all at once.
    if (!meter.canExpandAt(tree.node(lead.node).depth)) {
      capped = true;
      break;
    }
    // Scoring (and evaluating) the level is reserved first: children nobody scores cannot be ranked.
    const levelReservation = meter.reserve({ calls: config.useValue ? 2 : 1 });
    if (isRefusal(levelReservation)) break;
    const level: PendingPropose[] = [];
    for (const beam of beams) {
      const reservation = meter.reserve({ expansions: 1, calls: 1, nodes: config.expansionsPerBeam });
      if (isRefusal(reservation)) break;
      const seed = deriveSeed(ctx.seed, beam.node, CALL_PURPOSE.expand);
      const reply = gateway.propose(reservation, tree.steps(beam.node), config.expansionsPerBeam, seed);
      level.push({ beam, reservation, reply });
    }
    const replies = await Promise.all(level.map((p) => p.reply));
    if (control.halted) {
      for (const p of level) meter.release(p.reservation);
      meter.release(levelReservation);
      break;
    }

    const children = createChildren(ctx, config, level, replies, pick);
    if (children.length === 0) {
      meter.release(levelReservation);
      // Dead ends everywhere empty the beam; a budget stop keeps the old beams as the best partial answer.
      if (!control.stopped) beams = [];
      continue;
    }

    const open = children.filter((c) => !c.terminal);
    const tips = config.lookahead > 0 ? await rollOut(ctx, children, config.lookahead, pick) : children.map((c) => c.id);
    if (control.halted) {
      meter.release(levelReservation);
      break;
    }
    const scoring = gateway.score(levelReservation, tips.map((id) => tree.steps(id)));
    const evaluating =
      config.useValue && open.length > 0
        ? gateway.evaluate(levelReservation, open.map((c) => tree.steps(c.id)))
        : undefined;
    const [rewards, values] = await Promise.all([scoring, evaluating]);
    meter.release(levelReservation);
    if (control.halted || !rewards.ok || (values && !values.ok)) break;

    const aggregated = new Map<number, number>();
    children.forEach((child, i) => {
      const r = rewards.value[i];
      const tip = tips[i] ?? child.id;
      if (!r) return;
      if (tip === child.id) {
        child.reward = r.stepRewards.at(-1);
        if (child.terminal && r.outcome !== undefined) child.outcome = r.outcome;
      } else {
        recordRollout(ctx, child.id, tip, r);
      }
      aggregated.set(child.id, aggregateRewards(r.stepRewards, config.aggregation));
      if (child.terminal) {
        finished.push({ node: child.id, score: trajectoryScore(r, config.aggregation) });
        completed += 1;
      } else if (tree.node(tip).terminal) {
        finished.push({ node: tip, score: trajectoryScore(r, config.aggregation) });
      }
    });
    if (values?.ok) open.forEach((child, i) => (child.value = values.value[i]));

    beams = open
      .map((child) => ({
        node: child.id,
        rank: (aggregated.get(child.id) ?? 0) * (config.useValue ? (child.value ?? 0) : 1),
      }))
      .sort((a, b) => b.rank - a.rank || a.node - b.node)
      .slice(0, config.beamWidth);
    if (config.stopOnSolution && finished.some((f) => (tree.node(f.node).outcome ?? 0) >= 1)) control.stop('solved');
  }

  const reason =
    completed >= config.beamWidth
      ? 'completed'
      : capped
        ? 'max_depth'
        : finished.length > 0
          ? 'completed'
          : 'exhausted';
  return { ...pick(), reason };
}

/** Creates the level's children in beam order, dropping duplicate states when asked and truncating at the node cap. */
function createChildren(
  ctx: SearchContext,
  config: ResolvedBeamConfig,
  level: readonly PendingPropose[],
  replies: ReadonlyArray<CallResult<Candidate[]>>,
  pick: () => Pick,
): TreeNode[] {
  const { tree, meter } = ctx;
  const seen = new Set<string>();
  const children: TreeNode[] = [];
  level.forEach(({ beam, reservation }, i) => {
    const reply = replies[i];
    if (!reply?.ok) {
      meter.release(reservation);
      return;
    }
    const prefix = tree.steps(beam.node);
    const fresh = config.dedupeStates
      ? reply.value.filter((candidate) => {
          const key = ctx.stateKey([...prefix, candidate.step]);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
      : reply.value;
    const admitted = meter.admitNodes(reservation, fresh.length);
    meter.release(reservation);
    children.push(...tree.addChildren(beam.node, fresh.slice(0, admitted)));
    ctx.progress(pick);
  });
  return children;
}

/** Puts the rewards of a rolled-out trajectory on the nodes from `child` down to `tip`, and the outcome on a finished tip. */
function recordRollout(ctx: SearchContext, child: number, tip: number, rewards: StepRewards): void {
  const { tree } = ctx;
  for (let id = tip; ; id = tree.node(id).parentId) {
    const node = tree.node(id);
    const reward = rewards.stepRewards[node.depth - 1];
    if (reward !== undefined) node.reward = reward;
    if (id === child) break;
  }
  const end = tree.node(tip);
  if (end.terminal && rewards.outcome !== undefined) end.outcome = rewards.outcome;
}
