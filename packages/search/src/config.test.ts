import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { NO_LIMITS, validateBudget, type Budget } from './budget.js';
import { DEFAULTS, validateAlgorithm, type AlgorithmConfig } from './config.js';
import { runSearch } from './search.js';
import { SyntheticClient } from './testing/synthetic.js';
import { BEAM, BON, MCTS, WORLD } from './testing/fixtures.js';

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
    for (const config of [DEFAULTS.bon, DEFAULTS.beam, DEFAULTS.mcts]) expect(() => validateAlgorithm(config)).not.toThrow();
  });

  const cases: Array<[AlgorithmConfig, string]> = [
    [{ ...BON, n: 0 }, 'best_of_n.n'],
    [{ ...BON, n: 2.5 }, 'best_of_n.n'],
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
    [{ kind: 'dfs' } as unknown as AlgorithmConfig, 'algorithm'],
  ];
  it.each(cases)('names the field of %j', (config, field) => {
    expect(fieldOf(() => validateAlgorithm(config))).toBe(field);
  });

  it('puts the field path in the message', () => {
    expect(() => validateAlgorithm({ ...BEAM, expansionsPerBeam: 0 })).toThrow(/^beam\.expansions_per_beam: /);
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
