import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { normalizeAnswer } from './normalize.js';
import { parseProblem } from './problem.js';
import { SAMPLE_PROBLEMS, sampleProblem } from './samples.js';
import { mathTask } from './task.js';

describe('SAMPLE_PROBLEMS', () => {
  it('holds 12 to 20 problems with unique ids', () => {
    expect(SAMPLE_PROBLEMS.length).toBeGreaterThanOrEqual(12);
    expect(SAMPLE_PROBLEMS.length).toBeLessThanOrEqual(20);
    expect(new Set(SAMPLE_PROBLEMS.map((s) => s.id)).size).toBe(SAMPLE_PROBLEMS.length);
  });

  // Pinned so that a changed reference is a deliberate edit here too.
  it('has these references', () => {
    expect(Object.fromEntries(SAMPLE_PROBLEMS.map((s) => [s.id, s.reference]))).toEqual({
      'gsm-bakery': '3',
      'gsm-bus-fare': '25',
      'gsm-tomatoes': '75',
      'gsm-reading': '210',
      'gsm-savings': '10',
      'gsm-marbles': '48',
      'gsm-train': '200',
      'gsm-pizza': '4',
      'gsm-jacket': '66',
      'gsm-tank': '40',
      'gsm-eggs': '728',
      'gsm-printer': '1440',
      'gsm-ages': '16',
      'gsm-test-average': '89',
      'math-fraction-sum': '\\frac{1}{2}',
      'math-linear-equation': '\\frac{5}{2}',
      'math-dice': '\\frac{1}{6}',
      'math-decimal-fraction': '\\frac{3}{8}',
      'math-radical': '5\\sqrt{2}',
      'math-intersection': '(2, 5)',
    });
  });

  it.each(SAMPLE_PROBLEMS.map((s) => [s.id, s] as const))('%s parses, and its reference verifies against itself', (id, sample) => {
    const wire = sampleProblem(id);
    expect(wire).toEqual({ task: 'math', id, question: sample.question, params: { reference: sample.reference } });
    expect(parseProblem(wire)).toEqual({ question: sample.question, reference: sample.reference, delimiter: '\n\n' });
    const key = normalizeAnswer(sample.reference);
    expect(key).not.toBe('');
    expect(normalizeAnswer(key)).toBe(key);
    expect(mathTask.verifyAnswer(wire, sample.reference)).toBe(true);
    expect(mathTask.verifyAnswer(wire, `The answer is ${sample.reference}, which is wrong`)).toBe(false);
  });

  it('has canonical keys a solver would reach', () => {
    const keys = Object.fromEntries(SAMPLE_PROBLEMS.map((s) => [s.id, normalizeAnswer(s.reference)]));
    expect(keys['gsm-printer']).toBe(normalizeAnswer('1,440'));
    expect(keys['math-fraction-sum']).toBe('1/2');
    expect(keys['math-linear-equation']).toBe(normalizeAnswer('2.5'));
    expect(keys['math-decimal-fraction']).toBe(normalizeAnswer('0.375'));
    expect(keys['math-radical']).toBe('5\\sqrt{2}');
    expect(keys['math-intersection']).toBe('(2,5)');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(SAMPLE_PROBLEMS)).toBe(true);
    expect(SAMPLE_PROBLEMS.every((s) => Object.isFrozen(s))).toBe(true);
  });
});

describe('sampleProblem', () => {
  it('returns a fresh wire problem', () => {
    const wire = sampleProblem('gsm-bakery');
    wire.params['reference'] = '999';
    expect(sampleProblem('gsm-bakery').params).toEqual({ reference: '3' });
  });

  it('names the known ids for an unknown one', () => {
    expect(() => sampleProblem('nope')).toThrow(InvalidArgumentError);
    expect(() => sampleProblem('nope')).toThrow(/^id: unknown sample problem "nope"; known: gsm-bakery, /);
  });
});
