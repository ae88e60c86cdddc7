import { describe, expect, it } from 'vitest';
import { applyOp, OPS } from './arithmetic.js';
import { formatMove, legalMoves } from './moves.js';
import { parseRational, type Rational } from './rational.js';
import { formatState, sortState, type State } from './state.js';
import { checkStep } from './check.js';

const state = (text: string): State => sortState(text.split(' ').map((t) => parseRational(t) as Rational));

// Independent count: every ordered pair and operator, deduplicated by the printed sorted state.
function bruteForceNextStates(s: State): Set<string> {
  const out = new Set<string>();
  s.forEach((a, i) =>
    s.forEach((b, j) => {
      if (i === j) return;
      for (const op of OPS) {
        const r = applyOp(a, op, b);
        if (r !== null) out.add(formatState(sortState([...s.filter((_, k) => k !== i && k !== j), r])));
      }
    }),
  );
  return out;
}

describe('legalMoves', () => {
  it('counts moves on small states by hand', () => {
    expect(legalMoves(state('3 5')).map(formatMove)).toEqual([
      '5 + 3 = 8 (left: 8)',
      '5 * 3 = 15 (left: 15)',
      '5 - 3 = 2 (left: 2)',
      '3 - 5 = -2 (left: -2)',
      '5 / 3 = 5/3 (left: 5/3)',
      '3 / 5 = 3/5 (left: 3/5)',
    ]);
    // 2+2 and 2*2 both give 4; 2/2 once.
    expect(legalMoves(state('2 2')).map((m) => m.key)).toEqual(['4', '0', '1']);
    // 1*2 and 2/1 both give 2.
    expect(legalMoves(state('1 2'))).toHaveLength(5);
    // No division by zero; 5+0, 5-0 and 0/5, 0*5 collapse.
    expect(legalMoves(state('0 5')).map((m) => m.key)).toEqual(['5', '0', '-5']);
  });

  it.each(['4 9 10 13', '1 1 1 1', '3 3 8 8', '1 2 3 4 5', '1/5 5 5', '-3/2 2 7 7'])('matches a brute-force count on %s', (s) => {
    const moves = legalMoves(state(s));
    const keys = moves.map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(bruteForceNextStates(state(s)));
  });

  it('has 36 moves for four numbers whose next states never collide, fewer otherwise', () => {
    // Multiplying or dividing any number by 1 leaves 2 3 4 (6 moves, one kept), and 4/2 = 4-2 leaves 1 2 3.
    expect(legalMoves(state('1 2 3 4'))).toHaveLength(30);
    expect(legalMoves(state('4 9 10 13'))).toHaveLength(36);
    expect(legalMoves(state('1 1 1 1'))).toHaveLength(3);
  });

  it('writes every move as a step the checker accepts', () => {
    const s = state('-3/2 1/5 7 13');
    for (const move of legalMoves(s)) {
      const v = checkStep(s, formatMove(move));
      expect(v.valid && formatState(v.next)).toBe(move.key);
    }
  });
});
