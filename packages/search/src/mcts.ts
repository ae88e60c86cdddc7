// Monte Carlo tree search with PUCT over reasoning steps, run in synchronous waves.

import { isRefusal, type Reservation } from './budget.js';
import type { MctsConfig } from './config.js';
import type { AlgorithmResult, Pick, SearchContext } from './context.js';
import type { CallResult } from './gateway.js';
import { chooseFinal, meanValue, puct, softmaxPriors } from './mcts-policy.js';
import type { Candidate, StepRewards } from './model.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import type { TreeNode } from './tree.js';

const CALL_FREE_BATCH = 256;

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
 * Own stop reasons: 'completed' after `simulations` simulations; 'exhausted' when every leaf is terminal
 * or a dead end; 'max_depth' instead of 'exhausted' when some of those leaves only stopped at the depth cap.
 */
export async function runMcts(ctx: SearchContext, config: MctsConfig): Promise<AlgorithmResult> {
  return new MctsRun(ctx, config).run();
}

/** One leaf picked for expansion in a wave, followed through the wave's phases. */
interface Expansion {
  readonly path: readonly number[];
  readonly leaf: TreeNode;
  readonly reservation: Reservation;
  /** The new children; empty until the proposals are in (and if the policy had none). */
  children: TreeNode[];
  /** Value to back up at the end of the wave; null while unknown or when the expansion could not finish. */
  value: number | null;
}

type Assessment = [CallResult<StepRewards[]>, CallResult<number[]> | undefined];

class MctsRun {
  readonly #ctx: SearchContext;
  readonly #config: MctsConfig;
  /** Picks of the current wave passing through each node (the virtual loss count). */
  readonly #inFlight = new Map<number, number>();
  /** Subtrees with nothing left to expand: terminal, capped, dead ends, or all children closed. */
  readonly #closed = new Set<number>();
  #capped = false;
  #started = 0;
  #callFree = 0;
  #yieldDue = false;

  constructor(ctx: SearchContext, config: MctsConfig) {
    this.#ctx = ctx;
    this.#config = config;
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
    const { parallelSimulations, simulations, childrenPerNode } = this.#config;
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
      const reservation = meter.reserve({ expansions: 1, calls: 3, nodes: childrenPerNode });
      if (isRefusal(reservation)) break; // the meter stopped the search; the wave still drains
      this.#started += 1;
      this.#virtualLoss(path, 1);
      picked.add(leaf.id);
      wave.push({ path, leaf, reservation, children: [], value: null });
    }
    return wave;
  }

  /** Phases 2 and 3. Every step that touches the tree runs after a Promise.all, in selection order. */
  async #runWave(wave: readonly Expansion[]): Promise<void> {
    const { tree, control, gateway } = this.#ctx;
    const { childrenPerNode } = this.#config;
    // The gateway issues each call before its first await, so call ids follow selection order.
    const proposals = await Promise.all(
      wave.map((e) =>
        gateway.propose(
          e.reservation,
          tree.steps(e.leaf.id),
          childrenPerNode,
          deriveSeed(this.#ctx.seed, e.leaf.id, CALL_PURPOSE.expand),
        ),
      ),
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
    const admitted = meter.admitNodes(e.reservation, proposed.value.length);
    if (proposed.value.length > 0 && admitted === 0) {
      meter.release(e.reservation);
      return false;
    }
    const candidates = proposed.value.slice(0, admitted);
    const priors = softmaxPriors(candidates.map((c) => c.step.logprob));
    e.children = tree.addChildren(e.leaf.id, candidates, priors);
    for (const child of e.children) {
      if (child.terminal) this.#close(child.id);
      else if (!meter.canExpandAt(child.depth)) {
        this.#capped = true;
        this.#close(child.id);
      }
    }
    this.#ctx.progress(this.#pick);
    if (e.children.length === 0) {
      // The policy had nothing to add: a dead end, worth nothing.
      meter.release(e.reservation);
      this.#close(e.leaf.id);
      e.value = 0;
      return false;
    }
    return true;
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

  /** Marks a subtree finished and closes ancestors whose children are now all closed. */
  #close(id: number): void {
    const { tree } = this.#ctx;
    this.#closed.add(id);
    let node = tree.node(id);
    while (node.id !== 0) {
      const parent = tree.node(node.parentId);
      if (this.#closed.has(parent.id) || !parent.children.every((c) => this.#closed.has(c))) return;
      this.#closed.add(parent.id);
      node = parent;
    }
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
