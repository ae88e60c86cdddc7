// Monte Carlo tree search with PUCT over reasoning steps, run in synchronous waves.

import { isRefusal, type Reservation } from './budget.js';
import type { ResolvedMctsConfig } from './config.js';
import type { AlgorithmResult, Pick, SearchContext } from './context.js';
import type { CallResult } from './gateway.js';
import { chooseFinal, meanValue, puct, softmaxPriors } from './mcts-policy.js';
import type { Candidate, StepRewards } from './model.js';
import { StateRegistry } from './registry.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import type { TreeNode } from './tree.js';
import { allowedChildren } from './widening.js';

const CALL_FREE_BATCH = 256;

/**
 * Re-expansions in a row that brought nothing new before a node counts as saturated and stops widening.
 * One miss proves little (a sampled policy repeats its likeliest steps), but asking forever would spend
 * the budget on a node whose distinct moves are all there.
 */
const WIDEN_PATIENCE = 2;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * MCTS with PUCT selection as in AlphaZero (Silver et al. 2017), applied to LLM reasoning steps as in
 * rStar, LLaMA-Berry and OpenR: priors from the policy's logprobs, leaf estimates from the value and
 * reward services.
 *
 * A simulation descends by PUCT to a node that is not expanded (or terminal). A terminal backs up its
 * outcome (0 if unscored). Otherwise one propose (childrenPerNode candidates), then one score call for the
 * new children and one evaluate call for the non-terminal ones (issued together). A child's estimate is
 * its outcome when terminal, else value x step reward, so an invalid step is worth 0; an unvisited child's
 * Q is its estimate (first-play value). The max of the new children's estimates is backed up along the
 * path (one-step greedy lookahead). A non-terminal child at the depth cap is worth 0: it cannot finish.
 *
 * Simulations run in waves of up to parallelSimulations expansions (batched MCTS with virtual loss):
 * 1. Selection, with no await: leaves are picked one after another; each pick adds virtual loss along its
 *    path (+virtualLoss visits and -virtualLoss value per node) so the next pick is steered elsewhere. A
 *    pick that reaches a terminal or closed leaf is a call-free simulation, backed up at once and not
 *    taking a slot; one that reaches a leaf already picked ends the selection, since the tree is too
 *    narrow for more this wave and picking again would only land there again.
 * 2. The wave's proposes go out together; once all have answered, children are added in selection order.
 * 3. Their score and evaluate calls go out together; once all have answered, results are applied, virtual
 *    loss removed and values backed up, again in selection order.
 * Nothing in the tree depends on when a reply arrives, so for a given parallelSimulations a seed
 * reproduces the tree exactly over any transport (a deadline or cancel excepted); parallelSimulations = 1
 * is plain sequential MCTS.
 *
 * With progressiveWidening, a node may have at most ceil(widenC * N^widenAlpha) children (see
 * allowedChildren; childrenPerNode caps it): its first expansion asks for that many, and when selection
 * later passes an expanded node whose allowance has grown past its children, the simulation stops there
 * and re-expands it with one more propose (seeded by how many times the node was expanded) for the extra
 * children. That propose asks for the whole allowance, existing children included (see #request), and
 * only states new under the node are kept, at most the extra ones. A node whose policy returns fewer
 * candidates than asked, or nothing new WIDEN_PATIENCE times in a row, is saturated and widens no more.
 * Priors are recomputed over all of the node's children. Selection reads only the tree, so waves stay
 * deterministic.
 *
 * With dedupeStates, a child whose state already exists anywhere in the tree is not created.
 *
 * Own stop reasons: 'completed' after `simulations` simulations; 'exhausted' when every leaf is terminal
 * or a dead end; 'max_depth' instead of 'exhausted' when some of those leaves only stopped at the depth cap.
 */
export async function runMcts(ctx: SearchContext, config: ResolvedMctsConfig): Promise<AlgorithmResult> {
  return new MctsRun(ctx, config).run();
}

/** One leaf picked for expansion in a wave, followed through the wave's phases. */
interface Expansion {
  readonly path: readonly number[];
  readonly leaf: TreeNode;
  readonly reservation: Reservation;
  /** Candidates asked for. */
  readonly asked: number;
  /** New children the expansion may add (its node reservation). */
  readonly room: number;
  /** The leaf already had children: a progressive-widening re-expansion. */
  readonly widening: boolean;
  /** The new children; empty until the proposals are in (and if the policy had none). */
  children: TreeNode[];
  /** Value to back up at the end of the wave; null while unknown or when the expansion could not finish. */
  value: number | null;
}

type Assessment = [CallResult<StepRewards[]>, CallResult<number[]> | undefined];

class MctsRun {
  readonly #ctx: SearchContext;
  readonly #config: ResolvedMctsConfig;
  readonly #registry: StateRegistry;
  /** Picks of the current wave passing through each node (the virtual loss count). */
  readonly #inFlight = new Map<number, number>();
  /** Subtrees with nothing left to expand: terminal, capped, dead ends, or all children closed. */
  readonly #closed = new Set<number>();
  /** Proposes issued per node: the seed index of its next (re-)expansion. */
  readonly #expansions = new Map<number, number>();
  /** Nodes progressive widening has given up on; and re-expansions in a row that found nothing new. */
  readonly #saturated = new Set<number>();
  readonly #misses = new Map<number, number>();
  #capped = false;
  #started = 0;
  #callFree = 0;
  #yieldDue = false;

  constructor(ctx: SearchContext, config: ResolvedMctsConfig) {
    this.#ctx = ctx;
    this.#config = config;
    this.#registry = new StateRegistry(config.dedupeStates, ctx.stateKey);
  }

  async run(): Promise<AlgorithmResult> {
    const { control } = this.#ctx;
    while (!control.stopped && this.#started < this.#config.simulations && !this.#closed.has(0)) {
      const wave = this.#selectWave();
      if (wave.length > 0) await this.#runWave(wave);
      if (this.#yieldDue) {
        // Call-free simulations make no call, so a long run of them would never yield: let timers (the
        // deadline backstop) and cancellation in now and then. The wave already ended at a fixed count of
        // them, so the tree does not depend on what happens during the yield.
        this.#yieldDue = false;
        await yieldToEventLoop();
      }
    }
    const reason = this.#closed.has(0) ? (this.#capped ? 'max_depth' : 'exhausted') : 'completed';
    return { ...this.#pick(), reason };
  }

  /**
   * Phase 1, synchronous so that only the tree decides which leaves a wave expands. Budget is reserved
   * per expansion here, before any call is issued, so "never exceeded" holds for the whole wave.
   */
  #selectWave(): Expansion[] {
    const { control, meter, tree } = this.#ctx;
    const { parallelSimulations, simulations } = this.#config;
    const wave: Expansion[] = [];
    const picked = new Set<number>();
    while (
      wave.length < parallelSimulations &&
      !control.stopped &&
      this.#started < simulations &&
      !this.#closed.has(0)
    ) {
      const path = this.#select();
      const leaf = tree.node(path.at(-1) ?? 0);
      // Virtual loss could not steer this pick away, so no further pick would land elsewhere either.
      if (picked.has(leaf.id)) break;
      if (leaf.terminal || this.#closed.has(leaf.id)) {
        // Nothing to expand: the simulation still counts, and backs up what the leaf is known to be worth.
        this.#started += 1;
        this.#backup(path, this.#estimate(leaf));
        if (control.deadlinePassed()) control.stop('deadline');
        if (++this.#callFree % CALL_FREE_BATCH === 0) {
          this.#yieldDue = true;
          break;
        }
        continue;
      }
      const { asked, room } = this.#request(leaf);
      const reservation = meter.reserve({ expansions: 1, calls: 3, nodes: room });
      if (isRefusal(reservation)) break; // the meter stopped the search; the wave still drains
      this.#started += 1;
      this.#virtualLoss(path, 1);
      picked.add(leaf.id);
      wave.push({ path, leaf, reservation, asked, room, widening: leaf.children.length > 0, children: [], value: null });
    }
    return wave;
  }

  /** Phases 2 and 3. Every step that touches the tree runs after a Promise.all, in selection order. */
  async #runWave(wave: readonly Expansion[]): Promise<void> {
    const { tree, control, gateway } = this.#ctx;
    // The gateway issues each call before its first await, so call ids follow selection order.
    const proposals = await Promise.all(
      wave.map((e) => {
        const index = this.#expansions.get(e.leaf.id) ?? 0;
        this.#expansions.set(e.leaf.id, index + 1);
        const seed = deriveSeed(this.#ctx.seed, e.leaf.id, CALL_PURPOSE.expand, index);
        return gateway.propose(e.reservation, tree.steps(e.leaf.id), e.asked, seed);
      }),
    );
    // Read once the wave has settled, so every expansion of the wave gets the same answer.
    const halted = control.halted;
    const growing = wave.filter((e, i) => this.#grow(e, proposals[i] ?? { ok: false }, halted));

    const assessments = await Promise.all(growing.map((e) => this.#assess(e)));
    const haltedAfter = control.halted;
    let solved = false;
    growing.forEach((e, i) => {
      const assessment = assessments[i];
      if (assessment && this.#settle(e, assessment, haltedAfter)) solved = true;
    });

    for (const e of wave) {
      this.#virtualLoss(e.path, -1);
      if (e.value !== null) this.#backup(e.path, e.value);
    }
    if (solved) control.stop('solved');
  }

  /**
   * Adds the proposed children under the leaf. Returns whether they need scoring; otherwise the
   * reservation is already released and `value` says what (if anything) to back up.
   */
  #grow(e: Expansion, proposed: CallResult<Candidate[]>, halted: boolean): boolean {
    const { tree, meter } = this.#ctx;
    if (!proposed.ok || halted) {
      meter.release(e.reservation);
      return false;
    }
    const fresh = this.#registry
      .fresh(tree, e.leaf.id, proposed.value, { distinctFromSiblings: e.widening })
      .slice(0, e.room);
    const admitted = meter.admitNodes(e.reservation, fresh.length);
    if (fresh.length > 0 && admitted === 0) {
      meter.release(e.reservation);
      return false;
    }
    e.children = tree.addChildren(e.leaf.id, fresh.slice(0, admitted));
    this.#registry.commit(tree, e.children);
    this.#setPriors(e.leaf);
    if (this.#config.progressiveWidening) this.#noteWidening(e, proposed.value.length);
    for (const child of e.children) {
      if (child.terminal) this.#close(child.id);
      else if (!meter.canExpandAt(child.depth)) {
        this.#capped = true;
        this.#close(child.id);
      }
    }
    this.#ctx.progress(this.#pick);
    if (e.children.length > 0) return true;
    meter.release(e.reservation);
    if (e.widening) {
      // Nothing new this time: the simulation is worth what the node was already worth.
      e.value = meanValue(e.leaf, this.#estimate);
      this.#closeIfDone(e.leaf);
    } else {
      // The policy had nothing to add: a dead end, worth nothing.
      this.#close(e.leaf.id);
      e.value = 0;
    }
    return false;
  }

  /** Saturation bookkeeping for progressive widening (see WIDEN_PATIENCE). */
  #noteWidening(e: Expansion, returned: number): void {
    const id = e.leaf.id;
    if (returned < e.asked) {
      this.#saturated.add(id); // the policy has no more candidates to give here
    } else if (e.widening && e.children.length === 0) {
      const misses = (this.#misses.get(id) ?? 0) + 1;
      this.#misses.set(id, misses);
      if (misses >= WIDEN_PATIENCE) this.#saturated.add(id);
    } else {
      this.#misses.delete(id);
    }
  }

  /** Priors over all of a node's children, so that children added by widening share one softmax. */
  #setPriors(node: TreeNode): void {
    const { tree } = this.#ctx;
    const children = node.children.map((id) => tree.node(id));
    const priors = softmaxPriors(children.map((c) => c.step?.logprob ?? 0));
    children.forEach((child, i) => (child.prior = priors[i] ?? 0));
  }

  /** Candidates to ask for at `leaf`, and how many new children it may get. */
  #request(leaf: TreeNode): { asked: number; room: number } {
    const { progressiveWidening, childrenPerNode, widenC, widenAlpha } = this.#config;
    if (!progressiveWidening) return { asked: childrenPerNode, room: childrenPerNode };
    const allowed = allowedChildren(leaf.visits, widenC, widenAlpha, childrenPerNode);
    const room = Math.max(1, allowed - leaf.children.length);
    // The policy returns distinct candidates where it can, but cannot know which ones this node already
    // has: asked for just the extra ones it would mostly repeat its favourites. Asked for the whole
    // allowance, the existing children come back alongside new ones, and a short reply means it has no more.
    return { asked: leaf.children.length + room, room };
  }

  /** Selection should stop at this expanded node and give it more children. */
  #widenable(node: TreeNode): boolean {
    const { progressiveWidening, childrenPerNode, widenC, widenAlpha } = this.#config;
    return (
      progressiveWidening &&
      this.#mayWiden(node) &&
      allowedChildren(node.visits, widenC, widenAlpha, childrenPerNode) > node.children.length
    );
  }

  /** The node may still get more children some day, so it must stay open even if its children are closed. */
  #mayWiden(node: TreeNode): boolean {
    return (
      this.#config.progressiveWidening &&
      !node.terminal &&
      !this.#saturated.has(node.id) &&
      node.children.length < this.#config.childrenPerNode &&
      this.#ctx.meter.canExpandAt(node.depth)
    );
  }

  /** Issues (synchronously) the score call for the new children and the evaluate call for the open ones. */
  #assess(e: Expansion): Promise<Assessment> {
    const { tree, gateway } = this.#ctx;
    const open = e.children.filter((c) => !c.terminal);
    return Promise.all([
      gateway.score(e.reservation, e.children.map((c) => tree.steps(c.id))),
      open.length > 0 ? gateway.evaluate(e.reservation, open.map((c) => tree.steps(c.id))) : undefined,
    ]);
  }

  /** Applies one expansion's rewards and values; sets its value to back up. Returns whether it found a solution. */
  #settle(e: Expansion, [rewards, values]: Assessment, halted: boolean): boolean {
    this.#ctx.meter.release(e.reservation);
    // Replies that did arrive are kept even after a hard stop: they make the final pick better informed.
    if (rewards.ok) {
      e.children.forEach((child, i) => {
        const r = rewards.value[i];
        if (!r) return;
        child.reward = r.stepRewards.at(-1);
        if (child.terminal && r.outcome !== undefined) child.outcome = r.outcome;
      });
    }
    const open = e.children.filter((c) => !c.terminal);
    if (values?.ok) open.forEach((child, i) => (child.value = values.value[i]));
    if (!rewards.ok || (values && !values.ok) || halted) return false;
    e.value = Math.max(...e.children.map((c) => this.#estimate(c)));
    return this.#config.stopOnSolution && e.children.some((c) => c.terminal && (c.outcome ?? 0) >= 1);
  }

  /** Root-to-leaf path by PUCT; stops at a node that is unexpanded, terminal or childless. */
  #select(): number[] {
    const { tree } = this.#ctx;
    const path = [0];
    let node = tree.root;
    while (node.expanded && !node.terminal && node.children.length > 0) {
      if (this.#widenable(node)) break;
      node = this.#bestChild(node);
      path.push(node.id);
    }
    return path;
  }

  #bestChild(parent: TreeNode): TreeNode {
    const { tree } = this.#ctx;
    const { cPuct, virtualLoss } = this.#config;
    const parentVisits = parent.visits + virtualLoss * this.#count(parent.id);
    let best: TreeNode | undefined;
    let bestScore = -Infinity;
    // Strictly greater: ties go to the earlier child, so selection never depends on anything but the tree.
    for (const id of parent.children) {
      const child = tree.node(id);
      const inFlight = this.#count(id);
      const visits = child.visits + virtualLoss * inFlight;
      const q = visits > 0 ? (child.valueSum - virtualLoss * inFlight) / visits : this.#estimate(child);
      const score = puct(q, child.prior, parentVisits, visits, cPuct);
      if (!best || score > bestScore) {
        best = child;
        bestScore = score;
      }
    }
    if (!best) throw new Error(`node ${parent.id} has no children to select`);
    return best;
  }

  #estimate = (node: TreeNode): number => {
    if (node.terminal) return node.outcome ?? 0;
    if (!this.#ctx.meter.canExpandAt(node.depth)) return 0;
    if (node.expanded && node.children.length === 0) return 0;
    return (node.value ?? 0) * (node.reward ?? 0);
  };

  #backup(path: readonly number[], value: number): void {
    for (const id of path) {
      const node = this.#ctx.tree.node(id);
      node.visits += 1;
      node.valueSum += value;
    }
  }

  #virtualLoss(path: readonly number[], delta: number): void {
    for (const id of path) this.#inFlight.set(id, this.#count(id) + delta);
  }

  #count(id: number): number {
    return this.#inFlight.get(id) ?? 0;
  }

  /** Marks a subtree finished and closes ancestors whose children are now all closed (and that cannot widen). */
  #close(id: number): void {
    const { tree } = this.#ctx;
    this.#closed.add(id);
    let node = tree.node(id);
    while (node.id !== 0) {
      const parent = tree.node(node.parentId);
      if (this.#closed.has(parent.id) || !this.#allChildrenClosed(parent) || this.#mayWiden(parent)) return;
      this.#closed.add(parent.id);
      node = parent;
    }
  }

  /** Closes a node that can no longer widen once all of its children are closed. */
  #closeIfDone(node: TreeNode): void {
    if (!this.#closed.has(node.id) && this.#allChildrenClosed(node) && !this.#mayWiden(node)) this.#close(node.id);
  }

  #allChildrenClosed(node: TreeNode): boolean {
    return node.children.every((c) => this.#closed.has(c));
  }

  #pick = (): Pick => {
    const { tree } = this.#ctx;
    const node = chooseFinal(tree, this.#config.finalChoice, this.#estimate);
    return {
      answer: node.terminal ? node.answer : '',
      best: tree.steps(node.id),
      score: node.terminal ? (node.outcome ?? 0) : meanValue(node, this.#estimate),
    };
  };
}
