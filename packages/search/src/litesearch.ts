// LiteSearch: expand the highest-valued open node, giving each node only as many children as its value says it needs.

import type { LiteSearchConfig } from './config.js';
import { noPick, type AlgorithmResult, type Pick, type SearchContext } from './context.js';
import { pickFinished, type Finished } from './finished.js';
import { Heap } from './heap.js';
import { expandWave, type ExpansionRequest } from './level.js';
import { expansionBudget } from './litesearch-budget.js';
import { StateRegistry } from './registry.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import type { TreeNode } from './tree.js';

interface Open {
  node: number;
  value: number;
}

/** Highest value first; the lower id on ties, so the order is total and waves are reproducible. */
const before = (a: Open, b: Open): boolean => a.value > b.value || (a.value === b.value && a.node < b.node);

/**
 * A node's value v: the value service's estimate times the process reward of its step (as MCTS here),
 * so a step the reward model rejects is worth nothing; a finished trajectory's outcome, when the reward
 * service gives one, replaces it. A missing reward counts as neutral (1).
 */
function valueOf(node: TreeNode): number {
  if (node.terminal && node.outcome !== undefined) return node.outcome;
  return (node.value ?? 0) * (node.reward ?? 1);
}

/**
 * LiteSearch (Wang et al. 2024, "LiteSearch: Efficacious Tree Search for LLM"): a guided tree search that
 * spends little on nodes it is sure of. Each node gets an expansion budget from its value and depth (see
 * expansionBudget; the root, whose value is unknown, gets maxChildren). A wave takes the
 * parallelExpansions highest-valued open nodes that have budget left (1 = the paper's sequential loop),
 * asks the policy for as many candidates as each node's budget, keeps only states new under that node
 * (with dedupeStates, new in the whole tree) up to what is left of the budget, and takes the kept ones
 * off it; a node whose policy offered nothing new, or fewer candidates than asked, is closed. New
 * children are scored in one batch call and all of them evaluated in one call alongside (a finished
 * trajectory without an outcome is valued like any node). A child whose step reward is 0 is dropped.
 *
 * Ends on its own ('completed') once a finished trajectory's value is above stopThreshold; with
 * stopOnSolution, a trajectory with outcome >= 1 ends it as 'solved'. 'exhausted' when no open node has
 * budget left, 'max_depth' instead when some nodes were closed only by the depth cap.
 */
export async function runLiteSearch(ctx: SearchContext, config: LiteSearchConfig): Promise<AlgorithmResult> {
  const { tree, meter, control } = ctx;
  const registry = new StateRegistry(config.dedupeStates, ctx.stateKey);
  const queue = new Heap<Open>(before);
  const remaining = new Map<number, number>([[0, config.maxChildren]]);
  const attempts = new Map<number, number>();
  const frontier: Open[] = [];
  const finished: Finished[] = [];
  let capped = false;
  let confident = false;

  const deeper = (a: Open, b: Open): boolean =>
    a.value > b.value || (a.value === b.value && tree.node(a.node).depth > tree.node(b.node).depth);

  const pick = (): Pick => {
    const chosen = pickFinished(tree, finished, 'best', ctx.answerKey);
    if (chosen) return chosen;
    // Among equals the deeper node: a longer partial trajectory tells the caller more.
    const lead = frontier.reduce<Open | undefined>((top, o) => (!top || deeper(o, top) ? o : top), undefined);
    return lead ? { answer: '', best: tree.steps(lead.node), score: lead.value } : noPick();
  };

  queue.push({ node: 0, value: 0 });
  while (!control.stopped && !confident && queue.size > 0) {
    const popped: Open[] = [];
    while (popped.length < config.parallelExpansions) {
      const next = queue.pop();
      if (!next) break;
      popped.push(next);
    }
    const requests = popped.map(
      (o): ExpansionRequest => ({
        parent: o.node,
        // The whole budget, existing children included: the policy returns distinct candidates but does
        // not know which ones the node has, so asked for only the rest it would mostly repeat them.
        count: tree.node(o.node).children.length + (remaining.get(o.node) ?? 0),
        room: remaining.get(o.node) ?? 0,
        // A node asked again must not get the same sample as the first time.
        seed: deriveSeed(ctx.seed, o.node, CALL_PURPOSE.expand, attempts.get(o.node) ?? 0),
        // The budget counts distinct children, so repeats are dropped whatever dedupeStates says.
        distinctFromSiblings: true,
      }),
    );
    const wave = await expandWave(ctx, registry, requests, 'all', pick);
    // Nodes the budget refused go back with their budget untouched.
    for (const o of popped.slice(wave.grown.length)) queue.push(o);

    wave.grown.forEach(({ request, children, dry }, i) => {
      const open = popped[i];
      if (!open) return;
      attempts.set(open.node, (attempts.get(open.node) ?? 0) + 1);
      const left = dry || children.length === 0 ? 0 : (request.room ?? 0) - children.length;
      remaining.set(open.node, left);
      if (left > 0 && wave.assessed) queue.push(open);
    });

    let solved = false;
    for (const { children } of wave.grown) {
      for (const child of children) {
        if (!wave.rewards.has(child.id)) continue;
        const value = valueOf(child);
        if (child.terminal) {
          finished.push({ node: child.id, score: value });
          if (config.stopOnSolution && (child.outcome ?? 0) >= 1) solved = true;
          if (value > config.stopThreshold) confident = true;
          continue;
        }
        if (!wave.assessed || child.reward === 0) continue;
        const open = { node: child.id, value };
        frontier.push(open);
        if (!meter.canExpandAt(child.depth)) {
          capped = true;
          continue;
        }
        remaining.set(child.id, expansionBudget(value, child.depth, config.threshold, config.maxChildren));
        queue.push(open);
      }
    }
    if (!wave.assessed) break;
    if (solved) control.stop('solved');
  }

  const reason = confident ? 'completed' : capped ? 'max_depth' : 'exhausted';
  return { ...pick(), reason };
}
