// SearchResult.answers: the distinct answers a search's finished trajectories reached, best first. The chosen answer
// leads (the algorithm's own vote or score picked it); the rest follow by what the tree says of them.
import type { RankedAnswer } from '@arbor/contracts';
import type { Step, TreeNodeSnapshot, TreeView } from '@arbor/search';

export const MAX_RANKED_ANSWERS = 100;

/** Nodes read from the tree at a time. */
const CHUNK = 1_024;

export interface ChosenAnswer {
  answer: string;
  best: readonly Step[];
  score: number;
}

interface Group {
  answer: string;
  trajectories: number;
  verified: boolean;
  bestScore: number;
  bestNode: number;
  /** Lowest node id that reached it: the last tie-break, so equal trees always rank the same. */
  first: number;
}

/** A finished trajectory's score as the tree records it: its outcome, else its last step's reward, else its value. */
function nodeScore(node: TreeNodeSnapshot): number {
  return node.outcome ?? node.reward ?? node.value ?? 0;
}

function stepsTo(view: TreeView, id: number): Step[] {
  const steps: Step[] = [];
  let node = view.slice(id, id + 1)[0];
  while (node && node.id !== 0) {
    if (node.step) steps.push(node.step);
    node = view.slice(node.parentId, node.parentId + 1)[0];
  }
  return steps.reverse();
}

function toWire(steps: readonly Step[]): RankedAnswer['trajectory'] {
  return { steps: steps.map((s) => ({ text: s.text, logprob: s.logprob, tokens: s.tokens })) };
}

/**
 * Up to `limit` distinct answers (grouped by `answerKey`, as the task compares answers): `chosen` first when it
 * has an answer, then verified ones, then by the trajectories that reached them, then by their best score.
 */
export function rankAnswers(view: TreeView, chosen: ChosenAnswer, answerKey: (answer: string) => string, limit: number): RankedAnswer[] {
  if (limit <= 0) return [];
  const groups = new Map<string, Group>();
  for (let start = 0; start < view.size; start += CHUNK) {
    for (const node of view.slice(start, Math.min(view.size, start + CHUNK))) {
      if (!node.terminal || node.answer === '') continue;
      const key = answerKey(node.answer);
      const score = nodeScore(node);
      const group = groups.get(key);
      if (!group) {
        groups.set(key, { answer: node.answer, trajectories: 1, verified: (node.outcome ?? 0) >= 1, bestScore: score, bestNode: node.id, first: node.id });
        continue;
      }
      group.trajectories += 1;
      group.verified ||= (node.outcome ?? 0) >= 1;
      if (score > group.bestScore) {
        group.bestScore = score;
        group.bestNode = node.id;
      }
    }
  }
  const chosenKey = chosen.answer === '' ? undefined : answerKey(chosen.answer);
  const ranked: RankedAnswer[] = [];
  const chosenGroup = chosenKey === undefined ? undefined : groups.get(chosenKey);
  if (chosenKey !== undefined) {
    ranked.push({
      answer: chosen.answer,
      trajectory: toWire(chosen.best),
      score: chosen.score,
      trajectories: chosenGroup?.trajectories ?? 1,
      verified: chosenGroup?.verified ?? false,
    });
    groups.delete(chosenKey);
  }
  const rest = [...groups.values()].sort(
    (a, b) => Number(b.verified) - Number(a.verified) || b.trajectories - a.trajectories || b.bestScore - a.bestScore || a.first - b.first,
  );
  for (const group of rest) {
    if (ranked.length >= limit) break;
    ranked.push({
      answer: group.answer,
      trajectory: toWire(stepsTo(view, group.bestNode)),
      score: group.bestScore,
      trajectories: group.trajectories,
      verified: group.verified,
    });
  }
  return ranked.slice(0, limit);
}

/**
 * Node ids from the root to the end of `best`, found by following its step texts down the tree; [] when the tree
 * holds no such path (or `best` is empty). Reads the whole tree once, so it runs only when asked for.
 */
export function chosenPath(view: TreeView, best: readonly Step[]): number[] {
  if (best.length === 0 || view.size === 0) return [];
  const children = new Map<number, number[]>();
  const texts: string[] = [];
  for (let start = 0; start < view.size; start += CHUNK) {
    for (const node of view.slice(start, Math.min(view.size, start + CHUNK))) {
      texts[node.id] = node.step?.text ?? '';
      if (node.id === node.parentId) continue;
      const siblings = children.get(node.parentId);
      if (siblings) siblings.push(node.id);
      else children.set(node.parentId, [node.id]);
    }
  }
  const path = [0];
  let at = 0;
  for (const step of best) {
    const next = children.get(at)?.find((id) => texts[id] === step.text);
    if (next === undefined) return [];
    path.push(next);
    at = next;
  }
  return path;
}
