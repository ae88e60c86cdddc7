import { ConfigError, InvalidArgumentError } from '@arbor/kit';
import { describe, expect, it } from 'vitest';
import { buildSearchRequest, DEFAULT_PRESETS, parsePresets, readOverrides, type Preset } from './presets.js';

const mcts: Preset = { id: 'm', task: 'countdown', algorithm: 'mcts', params: { simulations: 8, c_puct: 1.5 }, budget: { max_expansions: 100, deadline_ms: 5000 } };
const problem = { question: '4 9 10 13', params: { target: '24' } };

describe('presets', () => {
  it('has built-in countdown presets arbor-mcts, arbor-beam, arbor-bon', () => {
    expect(DEFAULT_PRESETS.map((p) => p.id)).toEqual(['arbor-mcts', 'arbor-beam', 'arbor-bon']);
    expect(DEFAULT_PRESETS.every((p) => p.task === 'countdown')).toBe(true);
  });

  it('builds the SearchRequest of a preset alone (camelCase fields, the oneof set)', () => {
    expect(buildSearchRequest(mcts, {}, problem)).toEqual({
      problem: { task: 'countdown', id: '', question: '4 9 10 13', params: { target: '24' } },
      mcts: { simulations: 8, cPuct: 1.5 },
      budget: { maxExpansions: 100, deadlineMs: 5000 },
    });
  });

  it('merges overrides: params over the preset\'s, budget field by field, the seed', () => {
    const request = buildSearchRequest(mcts, readOverrides({ params: { simulations: 16 }, budget: { max_depth: 6 }, seed: 3 }), problem);
    expect(request.mcts).toEqual({ simulations: 16, cPuct: 1.5 });
    expect(request.budget).toEqual({ maxExpansions: 100, deadlineMs: 5000, maxDepth: 6 });
    expect(request.seed).toBe('3');
  });

  it('drops the preset\'s params when the request names another algorithm', () => {
    const request = buildSearchRequest(mcts, readOverrides({ algorithm: 'best_of_n', params: { n: 4 } }), problem);
    expect(request.mcts).toBeUndefined();
    expect(request.bestOfN).toEqual({ n: 4 });
  });

  it('selects particle filtering by its oneof name, with its params in camelCase', () => {
    const request = buildSearchRequest(mcts, readOverrides({ algorithm: 'particle_filter', params: { particles: 8, stop_on_solution: false } }), problem);
    expect(request.mcts).toBeUndefined();
    expect(request.particleFilter).toEqual({ particles: 8, stopOnSolution: false });
    expect(parsePresets({ pf: { task: 'countdown', algorithm: 'particle_filter', params: { temperature: 0.5 } } })[0]?.algorithm).toBe('particle_filter');
  });

  it('refuses bad overrides, naming the field', () => {
    const field = (arbor: unknown) => {
      try {
        readOverrides(arbor);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidArgumentError);
        return (err as InvalidArgumentError).field;
      }
      return undefined;
    };
    expect(field('x')).toBe('arbor');
    expect(field({ algorithm: 'greedy' })).toBe('arbor.algorithm');
    expect(field({ budget: { max_depth: -1 } })).toBe('arbor.budget.max_depth');
    expect(field({ budget: { depth: 1 } })).toBe('arbor.budget.depth');
    expect(field({ seed: 'abc' })).toBe('arbor.seed');
    expect(field({ temperature: 1 })).toBe('arbor.temperature');
    expect(field(undefined)).toBeUndefined();
  });

  it('reads a presets file and refuses a bad one with a ConfigError', () => {
    expect(parsePresets({ 'my-beam': { algorithm: 'beam', params: { beam_width: 4 } } })).toEqual([
      { id: 'my-beam', task: 'math', algorithm: 'beam', params: { beam_width: 4 }, budget: {} },
    ]);
    expect(parsePresets({ c: { task: 'countdown', algorithm: 'mcts' } })[0]?.task).toBe('countdown');
    expect(() => parsePresets({ x: { algorithm: 'nope' } })).toThrow(ConfigError);
    expect(() => parsePresets({ x: { algorithm: 'mcts', budget: { max_depht: 1 } } })).toThrow(ConfigError);
    expect(() => parsePresets({})).toThrow(/names no preset/);
  });
});
