// The training-data formats `arbor export` writes, one JSON object a line, each from a saved tree and its problem.
//
//   prm         Hugging Face TRL's stepwise supervision (PRMTrainer): {prompt, completions, labels}, a trajectory's
//               steps and one label per step: true when the step's Monte Carlo estimate passes the threshold
//               (Math-Shepherd's hard estimate: any of its finished trajectories correct, threshold 0), plus
//               `soft_labels`, the estimates themselves (Math-Shepherd's soft estimate, OmegaPRM's MC value).
//   preference  TRL's preference format (DPOTrainer): {prompt, chosen, rejected}, two sibling steps under the same
//               prefix whose estimates differ by at least the margin (step-level pairs as in rStar-Math, SVPO and
//               MCTS-DPO); the prompt is the question and the prefix.
//   sft         TRL's conversational language modelling (SFTTrainer): {messages: [user question, assistant
//               trajectory]} for every distinct verified trajectory.
//   value       value-model targets: {prompt, steps, value_mc (the estimate), value_search (the search's own
//               value or Q for the node), visits} for every step with finished trajectories below it.
import type { SavedNode, SavedTree } from '../eval/run-folder.js';
import { labelTree, softLabel, stepsTo, type NodeLabel } from './tree-labels.js';

export const FORMATS = ['prm', 'preference', 'sft', 'value'] as const;
export type Format = (typeof FORMATS)[number];

export interface ExportOptions {
  /** prm: a step is labelled true when its estimate is above this (0: any correct trajectory below it). */
  threshold: number;
  /** preference: the least difference of two siblings' estimates that makes a pair. */
  margin: number;
}

export interface TreeSource {
  tree: SavedTree;
  question: string;
  verified: (answer: string) => boolean;
}

const joinSteps = (steps: readonly SavedNode[]) => steps.map((s) => s.text).join('\n');

/** A trajectory's text as the model wrote it: its steps, then its answer unless the last step is the answer. */
function trajectoryText(steps: readonly SavedNode[], answer: string): string {
  const text = joinSteps(steps);
  return answer === '' || steps.at(-1)?.text.trim() === answer.trim() ? text : `${text}\n${answer}`;
}

function finishedLeaves(nodes: readonly SavedNode[]): SavedNode[] {
  return nodes.filter((n) => n.terminal && n.answer !== '' && n.id !== n.parent_id);
}

function prmRecords({ tree, question }: TreeSource, labels: NodeLabel[], options: ExportOptions): object[] {
  const seen = new Set<string>();
  const records: object[] = [];
  for (const leaf of finishedLeaves(tree.nodes)) {
    const steps = stepsTo(tree.nodes, leaf.id);
    const completions = steps.map((s) => s.text);
    const key = completions.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    const soft = steps.map((s) => softLabel(labels[s.id]!) ?? 0);
    records.push({ prompt: question, completions, labels: soft.map((v) => v > options.threshold), soft_labels: soft, problem_id: tree.problem_id, search_id: tree.search_id });
  }
  return records;
}

function preferenceRecords({ tree, question }: TreeSource, labels: NodeLabel[], options: ExportOptions): object[] {
  const children = new Map<number, SavedNode[]>();
  for (const node of tree.nodes) {
    if (node.id === node.parent_id) continue;
    const list = children.get(node.parent_id) ?? [];
    list.push(node);
    children.set(node.parent_id, list);
  }
  const records: object[] = [];
  for (const [parent, siblings] of children) {
    const scored = siblings
      .map((node) => ({ node, value: softLabel(labels[node.id]!) }))
      .filter((s): s is { node: SavedNode; value: number } => s.value !== null);
    // Each distinct step once, at its best estimate (a search may propose the same step twice).
    const byText = new Map<string, { node: SavedNode; value: number }>();
    for (const s of scored) if ((byText.get(s.node.text)?.value ?? -1) < s.value) byText.set(s.node.text, s);
    const ranked = [...byText.values()].sort((a, b) => b.value - a.value || a.node.id - b.node.id);
    const best = ranked[0];
    if (!best) continue;
    const prefix = joinSteps(stepsTo(tree.nodes, parent));
    const prompt = prefix === '' ? question : `${question}\n${prefix}`;
    // The best step against every sibling at least `margin` below it.
    for (const worse of ranked.slice(1)) {
      if (best.value - worse.value < options.margin) continue;
      records.push({ prompt, chosen: best.node.text, rejected: worse.node.text, chosen_value: best.value, rejected_value: worse.value, problem_id: tree.problem_id, search_id: tree.search_id });
    }
  }
  return records;
}

function sftRecords({ tree, question, verified }: TreeSource): object[] {
  const seen = new Set<string>();
  const records: object[] = [];
  for (const leaf of finishedLeaves(tree.nodes)) {
    if (!verified(leaf.answer)) continue;
    const content = trajectoryText(stepsTo(tree.nodes, leaf.id), leaf.answer);
    if (seen.has(content)) continue;
    seen.add(content);
    records.push({ messages: [{ role: 'user', content: question }, { role: 'assistant', content }], problem_id: tree.problem_id, search_id: tree.search_id });
  }
  return records;
}

function valueRecords({ tree, question }: TreeSource, labels: NodeLabel[]): object[] {
  const records: object[] = [];
  for (const node of tree.nodes) {
    if (node.id === node.parent_id) continue;
    const mc = softLabel(labels[node.id]!);
    if (mc === null) continue;
    records.push({
      prompt: question,
      steps: stepsTo(tree.nodes, node.id).map((s) => s.text),
      value_mc: mc,
      value_search: node.value,
      visits: node.visits,
      finished: labels[node.id]!.finished,
      problem_id: tree.problem_id,
      search_id: tree.search_id,
    });
  }
  return records;
}

/** The records of one tree in `format`. */
export function exportTree(format: Format, source: TreeSource, options: ExportOptions): object[] {
  const labels = labelTree(source.tree.nodes, source.verified);
  switch (format) {
    case 'prm':
      return prmRecords(source, labels, options);
    case 'preference':
      return preferenceRecords(source, labels, options);
    case 'sft':
      return sftRecords(source);
    case 'value':
      return valueRecords(source, labels);
  }
}
