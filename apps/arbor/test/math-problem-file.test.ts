// Math problem files for `arbor solve --task math --file`: our own JSON lines, and GSM8K- and MATH-shaped lines
// whose expected answer sits at the end of a worked solution.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mathEntries } from '../src/cli/problems/math.js';

function fileWith(lines: unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'arbor-math-file-')), 'problems.jsonl');
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return path;
}

describe('math problem files', () => {
  it('reads the reference from "reference", a bare "answer", a GSM8K "#### N" line or a MATH \\boxed{}', async () => {
    const file = fileWith([
      { question: 'What is 6 times 7?', reference: 42, id: 'mult' },
      { question: 'Half of one?', answer: '\\frac{1}{2}' },
      { question: 'Pens cost $3 each. How much do 4 pens cost?', answer: 'Each pen costs $3.\n4 pens cost 4 * 3 = 12 dollars.\n#### 12' },
      { problem: 'Simplify $\\frac{2}{6}$.', solution: 'Divide both by 2 to get $\\boxed{\\frac{1}{3}}$.' },
      { question: 'No reference here.' },
    ]);
    const entries = await mathEntries({ file });
    expect(entries.map((e) => e.problem.params.reference)).toEqual(['42', '\\frac{1}{2}', '12', '\\frac{1}{3}', undefined]);
    expect(entries.map((e) => e.problem.id)).toEqual(['mult', 'problem-2', 'problem-3', 'problem-4', 'problem-5']);
    expect(entries[3]?.problem.question).toBe('Simplify $\\frac{2}{6}$.');
    expect(entries.map((e) => e.verifiable)).toEqual([true, true, true, true, false]);
  });

  it('refuses a worked solution that states no final answer, naming the line', async () => {
    const file = fileWith([{ question: 'Q?', reference: '1' }, { question: 'Q2?', answer: 'First add.\nThen subtract.' }]);
    await expect(mathEntries({ file })).rejects.toThrow(`${file}:2: found no final answer in "answer"`);
  });

  it('refuses a line without a question, naming the line', async () => {
    const file = fileWith(['{"reference": "3"}']);
    await expect(mathEntries({ file })).rejects.toThrow(`${file}:1: expected an object with a "question" string`);
    for (const line of ['null', '[1, 2]', '"text"', '42']) {
      const other = fileWith([line]);
      await expect(mathEntries({ file: other }), line).rejects.toThrow(`${other}:1: expected an object with a "question" string`);
    }
  });
});
