import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { NO_LIMITS, validateBudget, type Budget } from './budget.js';
import { DEFAULTS, resolveBeam, resolveMcts, validateAlgorithm, type AlgorithmConfig } from './config.js';
import { runSearch } from './search.js';
import { SyntheticClient } from './testing/synthetic.js';
import { BEAM, BFS, BON, DVTS, LITE, MCTS, PF, REBASE, WORLD } from './testing/fixtures.js';

/** The field path of the InvalidArgumentError `fn` throws. */
function fieldOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    return (err as InvalidArgumentError).field;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('validateAlgorithm', () => {
  it('accepts the defaults', () => {
    for (const config of Object.values(DEFAULTS)) expect(() => validateAlgorithm(config)).not.toThrow();
  });

  it('accepts configs written before the optional beam and MCTS fields existed, and fills them from DEFAULTS', () => {
    expect(() => validateAlgorithm(BEAM)).not.toThrow();
    expect(() => validateAlgorithm(MCTS)).not.toThrow();
    expect(resolveBeam(BEAM).lookahead).toBe(0);
    expect(resolveMcts(MCTS)).toMatchObject({ dedupeStates: true, progressiveWidening: false, widenC: 1, widenAlpha: 0.5 });
    expect(resolveMcts({ ...MCTS, progressiveWidening: true, widenC: 2 })).toMatchObject({ progressiveWidening: true, widenC: 2 });
  });

  const cases: Array<[AlgorithmConfig, string]> = [
    [{ ...BON, n: 0 }, 'best_of_n.n'],
    [{ ...BON, n: 2.5 }, 'best_of_n.n'],
    // Bigger than one model call can carry: refused up front, not as an unavailable service mid-search.
    [{ ...BON, n: 1025 }, 'best_of_n.n'],
    [{ ...BEAM, beamWidth: 64, expansionsPerBeam: 32 }, 'beam.beam_width'],
    [{ ...REBASE, width: 65 }, 'rebase.width'],
    [{ ...BON, vote: 'loudest' as 'best' }, 'best_of_n.vote'],
    [{ ...BON, aggregation: 'mean' as 'min' }, 'best_of_n.aggregation'],
    [{ ...BEAM, beamWidth: 0 }, 'beam.beam_width'],
    [{ ...BEAM, beamWidth: 257 }, 'beam.beam_width'],
    [{ ...BEAM, expansionsPerBeam: 0 }, 'beam.expansions_per_beam'],
    [{ ...BEAM, aggregation: 'max' as 'min' }, 'beam.aggregation'],
    [{ ...MCTS, simulations: 0 }, 'mcts.simulations'],
    [{ ...MCTS, cPuct: Number.NaN }, 'mcts.c_puct'],
    [{ ...MCTS, cPuct: -1 }, 'mcts.c_puct'],
    [{ ...MCTS, childrenPerNode: 0 }, 'mcts.children_per_node'],
    [{ ...MCTS, finalChoice: 'luck' as 'value' }, 'mcts.final_choice'],
    [{ ...MCTS, parallelSimulations: 0 }, 'mcts.parallel_simulations'],
    [{ ...MCTS, virtualLoss: Number.POSITIVE_INFINITY }, 'mcts.virtual_loss'],
    [{ ...BEAM, lookahead: -1 }, 'beam.lookahead'],
    [{ ...BEAM, lookahead: 1.5 }, 'beam.lookahead'],
    [{ ...MCTS, dedupeStates: 'yes' as unknown as boolean }, 'mcts.dedupe_states'],
    [{ ...MCTS, progressiveWidening: 1 as unknown as boolean }, 'mcts.progressive_widening'],
    [{ ...MCTS, widenC: 0 }, 'mcts.widen_c'],
    [{ ...MCTS, widenC: Number.NaN }, 'mcts.widen_c'],
    [{ ...MCTS, widenAlpha: 1.5 }, 'mcts.widen_alpha'],
    [{ ...MCTS, widenAlpha: -0.1 }, 'mcts.widen_alpha'],
    [{ ...DVTS, nBeams: 0 }, 'dvts.n_beams'],
    [{ ...DVTS, nBeams: 10, expansionsPerBeam: 3 }, 'dvts.n_beams'],
    [{ ...DVTS, expansionsPerBeam: 0 }, 'dvts.expansions_per_beam'],
    [{ ...DVTS, aggregation: 'mean' as 'min' }, 'dvts.aggregation'],
    [{ ...DVTS, vote: 'loudest' as 'best' }, 'dvts.vote'],
    [{ ...DVTS, useValue: undefined as unknown as boolean }, 'dvts.use_value'],
    [{ ...DVTS, dedupeStates: 'no' as unknown as boolean }, 'dvts.dedupe_states'],
    [{ ...BFS, childrenPerNode: 0 }, 'best_first.children_per_node'],
    [{ ...BFS, priority: 'random' as 'value' }, 'best_first.priority'],
    [{ ...BFS, lengthPenalty: -1 }, 'best_first.length_penalty'],
    [{ ...BFS, lengthPenalty: Number.NaN }, 'best_first.length_penalty'],
    [{ ...BFS, parallelExpansions: 0 }, 'best_first.parallel_expansions'],
    [{ ...BFS, stopOnSolution: 'true' as unknown as boolean }, 'best_first.stop_on_solution'],
    [{ ...LITE, threshold: 0 }, 'litesearch.threshold'],
    [{ ...LITE, threshold: 1 }, 'litesearch.threshold'],
    [{ ...LITE, threshold: Number.NaN }, 'litesearch.threshold'],
    [{ ...LITE, maxChildren: 1 }, 'litesearch.max_children'],
    [{ ...LITE, maxChildren: 2.5 }, 'litesearch.max_children'],
    [{ ...LITE, stopThreshold: 1.5 }, 'litesearch.stop_threshold'],
    [{ ...LITE, parallelExpansions: 0 }, 'litesearch.parallel_expansions'],
    [{ ...LITE, dedupeStates: null as unknown as boolean }, 'litesearch.dedupe_states'],
    [{ ...REBASE, width: 0 }, 'rebase.width'],
    [{ ...REBASE, temperature: 0 }, 'rebase.temperature'],
    [{ ...REBASE, temperature: Number.POSITIVE_INFINITY }, 'rebase.temperature'],
    [{ ...REBASE, aggregation: 'max' as 'min' }, 'rebase.aggregation'],
    [{ ...REBASE, vote: 'loudest' as 'best' }, 'rebase.vote'],
    [{ ...REBASE, useValue: 0 as unknown as boolean }, 'rebase.use_value'],
    [{ ...PF, particles: 0 }, 'particle_filter.particles'],
    [{ ...PF, particles: 1025 }, 'particle_filter.particles'],
    [{ ...PF, particles: 1.5 }, 'particle_filter.particles'],
    [{ ...PF, temperature: 0 }, 'particle_filter.temperature'],
    [{ ...PF, temperature: Number.NaN }, 'particle_filter.temperature'],
    [{ ...PF, aggregation: 'mean' as 'last' }, 'particle_filter.aggregation'],
    [{ ...PF, vote: 'loudest' as 'best' }, 'particle_filter.vote'],
    [{ ...PF, useValue: 'no' as unknown as boolean }, 'particle_filter.use_value'],
    [{ ...PF, stopOnSolution: 1 as unknown as boolean }, 'particle_filter.stop_on_solution'],
    [{ ...PF, dedupeStates: null as unknown as boolean }, 'particle_filter.dedupe_states'],
    [{ kind: 'dfs' } as unknown as AlgorithmConfig, 'algorithm'],
  ];
  it.each(cases)('names the field of %j', (config, field) => {
    expect(fieldOf(() => validateAlgorithm(config))).toBe(field);
  });

  it('puts the field path in the message', () => {
    expect(() => validateAlgorithm({ ...BEAM, expansionsPerBeam: 0 })).toThrow(/^beam\.expansions_per_beam: /);
    expect(() => validateAlgorithm({ ...LITE, threshold: 2 })).toThrow(/^litesearch\.threshold: /);
    expect(() => validateAlgorithm({ ...PF, particles: 0 })).toThrow('particle_filter.particles: must be an integer between 1 and 1024');
  });
});

describe('validateBudget', () => {
  it('accepts all-zero (unlimited)', () => {
    expect(() => validateBudget(NO_LIMITS)).not.toThrow();
  });

  const cases: Array<[Partial<Budget>, string]> = [
    [{ maxExpansions: -1 }, 'budget.max_expansions'],
    [{ maxModelCalls: 1.5 }, 'budget.max_model_calls'],
    [{ maxTokens: 2 ** 32 }, 'budget.max_tokens'],
    [{ maxCostUsd: Number.NaN }, 'budget.max_cost_usd'],
    [{ maxCostUsd: -0.01 }, 'budget.max_cost_usd'],
    [{ deadlineMs: Number.POSITIVE_INFINITY }, 'budget.deadline_ms'],
    [{ maxNodes: -5 }, 'budget.max_nodes'],
    [{ maxDepth: 0.5 }, 'budget.max_depth'],
  ];
  it.each(cases)('names the field of %j', (patch, field) => {
    expect(fieldOf(() => validateBudget({ ...NO_LIMITS, ...patch }))).toBe(field);
  });
});

describe('runSearch validation', () => {
  it('rejects a bad config, budget or seed before calling any model', async () => {
    const client = new SyntheticClient({ world: WORLD });
    const base = { algorithm: BON, budget: NO_LIMITS, seed: 1, client };
    await expect(runSearch({ ...base, algorithm: { ...BON, n: 0 } })).rejects.toMatchObject({ field: 'best_of_n.n' });
    await expect(runSearch({ ...base, budget: { ...NO_LIMITS, maxDepth: -1 } })).rejects.toMatchObject({
      field: 'budget.max_depth',
    });
    await expect(runSearch({ ...base, seed: -1 })).rejects.toMatchObject({ field: 'seed' });
    await expect(runSearch({ ...base, seed: 0.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(client.calls).toHaveLength(0);
  });
});
