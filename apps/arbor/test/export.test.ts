// `arbor export`: each format on a synthetic tree whose labels are known by construction, with the field names of
// TRL's documented dataset formats; then the CLI on a real `arbor eval --save-trees` run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getTask } from '@arbor/tasks';
import type { SavedNode, SavedTree } from '../src/eval/run-folder.js';
import { exportTree } from '../src/export/formats.js';
import { labelTree, softLabel } from '../src/export/tree-labels.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));

function node(id: number, parent: number, text: string, answer = '', extra: Partial<SavedNode> = {}): SavedNode {
  return {
    id,
    parent_id: parent,
    depth: 0,
    text,
    logprob: -1,
    tokens: 3,
    terminal: answer !== '',
    answer,
    value: null,
    reward: null,
    outcome: null,
    visits: 1,
    expanded: answer === '',
    ...extra,
  };
}

/**
 *            root
 *        a (3/4)          b (0/1)
 *   a1 (2/2)  a2 (1/2)    b1 = X
 *  a1x=R a1y=R  a2x=R a2y=X
 * R is a right answer, X a wrong one: a's estimate is 3/4, b's 0, a1's 1, a2's 1/2.
 */
const TREE: SavedTree = {
  search_id: 's',
  problem_id: 'p',
  config: 'c',
  nodes: [
    node(0, 0, ''),
    node(1, 0, 'a', '', { value: 0.9 }),
    node(2, 0, 'b', '', { value: 0.2 }),
    node(3, 1, 'a1'),
    node(4, 1, 'a2'),
    node(5, 2, 'b1', 'X'),
    node(6, 3, 'a1x', 'R'),
    node(7, 3, 'a1y', 'R'),
    node(8, 4, 'a2x', 'R'),
    node(9, 4, 'a2y', 'X'),
  ],
};
const source = { tree: TREE, question: 'Q?', verified: (answer: string) => answer === 'R' };

describe('labels from a tree', () => {
  it('count each node\'s finished and correct trajectories', () => {
    const labels = labelTree(TREE.nodes, source.verified);
    expect(labels.map((l) => [l.correct, l.finished])).toEqual([[3, 5], [3, 4], [0, 1], [2, 2], [1, 2], [0, 1], [1, 1], [1, 1], [1, 1], [0, 1]]);
    expect(labels.map(softLabel)).toEqual([0.6, 0.75, 0, 1, 0.5, 0, 1, 1, 1, 0]);
  });
});

describe('export formats', () => {
  const options = { threshold: 0, margin: 0.5 };

  it('prm: TRL stepwise supervision, a trajectory each, hard labels at the threshold and soft ones beside', () => {
    const records = exportTree('prm', source, options) as Array<Record<string, unknown>>;
    expect(records.map((r) => r.completions)).toEqual([['b', 'b1'], ['a', 'a1', 'a1x'], ['a', 'a1', 'a1y'], ['a', 'a2', 'a2x'], ['a', 'a2', 'a2y']]);
    expect(records[4]).toMatchObject({ prompt: 'Q?', completions: ['a', 'a2', 'a2y'], labels: [true, true, false], soft_labels: [0.75, 0.5, 0] });
    expect(records[0]).toMatchObject({ labels: [false, false], soft_labels: [0, 0] });
    // Stricter: a step is good only when most of what follows it is right.
    const strict = exportTree('prm', source, { ...options, threshold: 0.5 }) as Array<{ labels: boolean[] }>;
    expect(strict[4]!.labels).toEqual([true, false, false]);
    for (const r of records) expect(Object.keys(r).slice(0, 3)).toEqual(['prompt', 'completions', 'labels']);
  });

  it('preference: sibling steps whose estimates differ by the margin, with the prefix in the prompt', () => {
    const records = exportTree('preference', source, options) as Array<Record<string, unknown>>;
    expect(records.map((r) => [r.prompt, r.chosen, r.rejected])).toEqual([
      ['Q?', 'a', 'b'],
      ['Q?\na', 'a1', 'a2'],
      ['Q?\na\na2', 'a2x', 'a2y'],
    ]);
    // a1 (1) against a2 (0.5) is a pair at a margin of 0.5, not above it; only a2x against a2y (1) passes 0.9.
    expect((exportTree('preference', source, { ...options, margin: 0.6 }) as Array<{ chosen: string }>).map((r) => r.chosen)).toEqual(['a', 'a2x']);
    expect((exportTree('preference', source, { ...options, margin: 0.9 }) as Array<{ chosen: string }>).map((r) => r.chosen)).toEqual(['a2x']);
    for (const r of records) expect(Object.keys(r).slice(0, 3)).toEqual(['prompt', 'chosen', 'rejected']);
  });

  it('sft: each verified trajectory once, as a conversation', () => {
    const records = exportTree('sft', source, options) as Array<{ messages: Array<{ role: string; content: string }> }>;
    expect(records.map((r) => r.messages[1]!.content)).toEqual(['a\na1\na1x\nR', 'a\na1\na1y\nR', 'a\na2\na2x\nR']);
    expect(records[0]!.messages[0]).toEqual({ role: 'user', content: 'Q?' });
    expect(records[0]!.messages[1]!.role).toBe('assistant');
  });

  it('value: every step with trajectories below it, its estimate beside the search\'s own value', () => {
    const records = exportTree('value', source, options) as Array<{ steps: string[]; value_mc: number; value_search: number | null }>;
    expect(records.find((r) => r.steps.join('/') === 'a')).toMatchObject({ value_mc: 0.75, value_search: 0.9 });
    expect(records.find((r) => r.steps.join('/') === 'b')).toMatchObject({ value_mc: 0, value_search: 0.2 });
    expect(records).toHaveLength(9);
  });
});

describe('arbor export on a real run', { timeout: 120_000 }, () => {
  it('writes every format from the trees of an eval run, answers checked by the task', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-export-'));
    const file = join(dir, 'puzzles.txt');
    writeFileSync(file, '4 9 10 13\n1 1 1 1\n3 3 8 8\n');
    const run = join(dir, 'run');
    const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
    expect(cli(['eval', '--file', file, '--out', run, '--algo', 'bon', '--budgets', '256', '--save-trees']).status).toBe(0);
    const countdown = getTask('countdown');
    const read = (format: string) => {
      const out = join(dir, `${format}.jsonl`);
      const result = cli(['export', '--from', run, '--format', format, '--out', out]);
      expect(result.status).toBe(0);
      return readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
    };
    const sft = read('sft');
    expect(sft.length).toBeGreaterThan(0);
    const questions = new Map([['puzzle-1', '4 9 10 13'], ['puzzle-2', '1 1 1 1'], ['puzzle-3', '3 3 8 8']]);
    for (const record of sft) {
      const question = questions.get(record.problem_id)!;
      expect(record.messages[0]).toEqual({ role: 'user', content: question });
      expect(countdown.verifyAnswer({ task: 'countdown', question, params: { target: '24' } }, record.messages[1].content.split('\n').at(-1))).toBe(true);
    }
    // "1 1 1 1" has no solution: no SFT trace, and every PRM label of its trajectories is false.
    expect(sft.some((r) => r.problem_id === 'puzzle-2')).toBe(false);
    const prm = read('prm');
    expect(prm.filter((r) => r.problem_id === 'puzzle-2').every((r) => r.labels.every((l: boolean) => l === false))).toBe(true);
    expect(prm.every((r) => r.labels.length === r.completions.length)).toBe(true);
    expect(read('preference').every((r) => r.chosen_value - r.rejected_value >= 0.5)).toBe(true);
    expect(read('value').length).toBeGreaterThan(0);

    const noTrees = cli(['export', '--from', dir, '--format', 'prm']);
    expect(noTrees.status).toBe(2);
    expect(noTrees.stderr).toContain('is not an arbor eval run folder');
  });
});
