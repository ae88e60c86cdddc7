// Maps the SearchRequest's algorithm `oneof` onto the search package's configs, filling server defaults:
// a zero number, an UNSPECIFIED enum or an unset optional bool means "the default". An enum value the proto does
// not declare (proto-loader hands it on as a number, e.g. vote=99) is refused, not taken for the default.
import { arborPackageDefinition } from '@arbor/contracts';
import type {
  BeamSearch__Output,
  BestFirst__Output,
  BestFirstPriority__Output,
  BestOfN__Output,
  Dvts__Output,
  FinalChoice__Output,
  LiteSearch__Output,
  Mcts__Output,
  ParticleFilter__Output,
  Rebase__Output,
  RewardAggregation__Output,
  SearchRequest,
  SearchRequest__Output,
  Vote__Output,
} from '@arbor/contracts';
import { DEFAULTS, validateAlgorithm, type AlgorithmConfig, type Aggregation, type Vote } from '@arbor/search';
import { InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { didYouMean } from '@arbor/kit/suggest';

/** Names the CLI and logs use, each with the SearchRequest oneof member and proto message it selects. */
export const ALGORITHMS = {
  bon: { member: 'bestOfN', message: 'BestOfN' },
  beam: { member: 'beam', message: 'BeamSearch' },
  dvts: { member: 'dvts', message: 'Dvts' },
  mcts: { member: 'mcts', message: 'Mcts' },
  bfs: { member: 'bestFirst', message: 'BestFirst' },
  litesearch: { member: 'litesearch', message: 'LiteSearch' },
  rebase: { member: 'rebase', message: 'Rebase' },
  particle_filter: { member: 'particleFilter', message: 'ParticleFilter' },
} as const;

export type AlgorithmName = keyof typeof ALGORITHMS;
export const ALGORITHM_NAMES = Object.keys(ALGORITHMS) as AlgorithmName[];

/** Used when a request names no algorithm. */
export const DEFAULT_ALGORITHM: AlgorithmName = 'mcts';

/**
 * The server's defaults: the search package's, with changes measured on the 100 hardest countdown puzzles
 * (embedded models, slip 0, seeds 1..100; reproduce with `arbor demo --algo NAME --param ...`):
 * - MCTS expands a node once, so a move the policy does not propose at that expansion is never tried.
 *   24 children cover the legal moves of a 4-number state; 4 solved 24/100, 16 solved 90, 24 solved 99
 *   (mean 15.5 expansions); 256 simulations rather than 128 let the last few finish.
 * - Beam-like searches rank by the value estimate as well: the embedded process reward only says whether a
 *   step is valid, which cannot tell two valid beams apart.
 * - Widths measured the same way: beam 4x4 solved 29, 8x8 52; best-first with 4 children 29, 24 children 99;
 *   LiteSearch with at most 8 children 43, 24 children 82; REBASE width 16 solved 84, 32 solved 90.
 * - Particle filtering with the value weighting as well (without it, 32 particles solved 40): 32 particles at the
 *   paper's temperature 1 solved 61, at 0.2 68 (0.1 and 0.05 no better); 64 particles 78, 128 84, at twice and
 *   four times the calls.
 */
export const SERVER_DEFAULTS = {
  bon: DEFAULTS.bon,
  beam: { ...DEFAULTS.beam, useValue: true, beamWidth: 8, expansionsPerBeam: 8 },
  dvts: { ...DEFAULTS.dvts, useValue: true },
  mcts: { ...DEFAULTS.mcts, childrenPerNode: 24, simulations: 256 },
  bfs: { ...DEFAULTS.bfs, childrenPerNode: 24 },
  litesearch: { ...DEFAULTS.litesearch, maxChildren: 24 },
  rebase: { ...DEFAULTS.rebase, useValue: true, width: 32 },
  particle_filter: { ...DEFAULTS.particle_filter, useValue: true, particles: 32, temperature: 0.2 },
} as const;

function pick<T>(value: T | undefined | null, zero: T, fallback: T): T {
  return value === undefined || value === null || value === zero ? fallback : value;
}

type EnumType = 'RewardAggregation' | 'Vote' | 'FinalChoice' | 'BestFirstPriority';
const enumValuesCache = new Map<EnumType, { name: string; number: number }[]>();

/** The values `arbor.v1.<type>` declares, from the loaded protos (so the list cannot drift from them). */
function enumValues(type: EnumType): { name: string; number: number }[] {
  let values = enumValuesCache.get(type);
  if (!values) {
    const definition = arborPackageDefinition()[`arbor.v1.${type}`] as { type?: { value?: { name: string; number: number }[] } } | undefined;
    values = (definition?.type?.value ?? []).map(({ name, number }) => ({ name, number }));
    if (values.length === 0) throw new Error(`arbor.v1.${type} is not a loaded enum`);
    enumValuesCache.set(type, values);
  }
  return values;
}

/**
 * The name of a decoded enum field, or undefined when unset. Throws InvalidArgumentError naming `field` for a value
 * `type` does not declare: a number (what proto-loader leaves of an unknown value) or a name it does not know.
 */
function enumName(value: string | number | undefined | null, type: EnumType, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const values = enumValues(type);
  const known = values.find((v) => (typeof value === 'number' ? v.number === value : v.name === value));
  if (known) return known.name;
  const listed = values.map((v) => `${v.name} (${v.number})`).join(', ');
  if (typeof value === 'number') throw new InvalidArgumentError(field, `${value} is not a known value; known: ${listed}`);
  const hint = value.length <= 64 ? didYouMean(value, values.map((v) => v.name)) : '';
  throw new InvalidArgumentError(field, `${nameInMessage(value)} is not a known value${hint}; known: ${listed}`);
}

function aggregation(value: RewardAggregation__Output | number | undefined, fallback: Aggregation, field: string): Aggregation {
  switch (enumName(value, 'RewardAggregation', field)) {
    case 'REWARD_AGGREGATION_LAST':
      return 'last';
    case 'REWARD_AGGREGATION_MIN':
      return 'min';
    case 'REWARD_AGGREGATION_PRODUCT':
      return 'product';
    default:
      return fallback;
  }
}

function vote(value: Vote__Output | number | undefined, fallback: Vote, field: string): Vote {
  switch (enumName(value, 'Vote', field)) {
    case 'VOTE_MAJORITY':
      return 'majority';
    case 'VOTE_REWARD_WEIGHTED':
      return 'reward_weighted';
    case 'VOTE_BEST':
      return 'best';
    default:
      return fallback;
  }
}

function finalChoice<T>(value: FinalChoice__Output | number | undefined, fallback: T): 'value' | 'visits' | T {
  const name = enumName(value, 'FinalChoice', 'mcts.final_choice');
  return name === 'FINAL_CHOICE_VALUE' ? 'value' : name === 'FINAL_CHOICE_VISITS' ? 'visits' : fallback;
}

function priority<T>(value: BestFirstPriority__Output | number | undefined, fallback: T): 'logprob' | 'value' | T {
  const name = enumName(value, 'BestFirstPriority', 'best_first.priority');
  return name === 'BEST_FIRST_PRIORITY_LOGPROB' ? 'logprob' : name === 'BEST_FIRST_PRIORITY_VALUE' ? 'value' : fallback;
}

function bestOfN(m: BestOfN__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.bon;
  return {
    kind: 'bon',
    n: pick(m.n, 0, d.n),
    vote: vote(m.vote, d.vote, 'best_of_n.vote'),
    aggregation: aggregation(m.aggregation, d.aggregation, 'best_of_n.aggregation'),
    stopOnSolution: m.stopOnSolution ?? d.stopOnSolution,
  };
}

function beam(m: BeamSearch__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.beam;
  return {
    kind: 'beam',
    beamWidth: pick(m.beamWidth, 0, d.beamWidth),
    expansionsPerBeam: pick(m.expansionsPerBeam, 0, d.expansionsPerBeam),
    aggregation: aggregation(m.aggregation, d.aggregation, 'beam.aggregation'),
    useValue: m.useValue ?? d.useValue,
    stopOnSolution: m.stopOnSolution ?? d.stopOnSolution,
    dedupeStates: m.dedupeStates ?? d.dedupeStates,
    lookahead: m.lookahead || d.lookahead,
  };
}

function dvts(m: Dvts__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.dvts;
  return {
    kind: 'dvts',
    nBeams: pick(m.nBeams, 0, d.nBeams),
    expansionsPerBeam: pick(m.expansionsPerBeam, 0, d.expansionsPerBeam),
    aggregation: aggregation(m.aggregation, d.aggregation, 'dvts.aggregation'),
    useValue: m.useValue ?? d.useValue,
    stopOnSolution: m.stopOnSolution ?? d.stopOnSolution,
    dedupeStates: m.dedupeStates ?? d.dedupeStates,
    vote: vote(m.vote, d.vote, 'dvts.vote'),
  };
}

function mcts(m: Mcts__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.mcts;
  return {
    kind: 'mcts',
    simulations: pick(m.simulations, 0, d.simulations),
    cPuct: pick(m.cPuct, 0, d.cPuct),
    childrenPerNode: pick(m.childrenPerNode, 0, d.childrenPerNode),
    finalChoice: finalChoice(m.finalChoice, d.finalChoice),
    stopOnSolution: m.stopOnSolution ?? d.stopOnSolution,
    parallelSimulations: pick(m.parallelSimulations, 0, d.parallelSimulations),
    virtualLoss: pick(m.virtualLoss, 0, d.virtualLoss),
    dedupeStates: m.dedupeStates ?? d.dedupeStates,
    progressiveWidening: m.progressiveWidening ?? d.progressiveWidening,
    widenC: pick(m.widenC, 0, d.widenC),
    widenAlpha: pick(m.widenAlpha, 0, d.widenAlpha),
  };
}

function bestFirst(m: BestFirst__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.bfs;
  return {
    kind: 'bfs',
    childrenPerNode: pick(m.childrenPerNode, 0, d.childrenPerNode),
    priority: priority(m.priority, d.priority),
    lengthPenalty: pick(m.lengthPenalty, 0, d.lengthPenalty),
    parallelExpansions: pick(m.parallelExpansions, 0, d.parallelExpansions),
    stopOnSolution: m.stopOnSolution ?? d.stopOnSolution,
    dedupeStates: m.dedupeStates ?? d.dedupeStates,
  };
}

function liteSearch(m: LiteSearch__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.litesearch;
  return {
    kind: 'litesearch',
    threshold: pick(m.threshold, 0, d.threshold),
    maxChildren: pick(m.maxChildren, 0, d.maxChildren),
    stopThreshold: pick(m.stopThreshold, 0, d.stopThreshold),
    stopOnSolution: m.stopOnSolution ?? d.stopOnSolution,
    dedupeStates: m.dedupeStates ?? d.dedupeStates,
    parallelExpansions: pick(m.parallelExpansions, 0, d.parallelExpansions),
  };
}

function rebase(m: Rebase__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.rebase;
  return {
    kind: 'rebase',
    width: pick(m.width, 0, d.width),
    temperature: pick(m.temperature, 0, d.temperature),
    aggregation: aggregation(m.aggregation, d.aggregation, 'rebase.aggregation'),
    useValue: m.useValue ?? d.useValue,
    stopOnSolution: m.stopOnSolution ?? d.stopOnSolution,
    dedupeStates: m.dedupeStates ?? d.dedupeStates,
    vote: vote(m.vote, d.vote, 'rebase.vote'),
  };
}

function particleFilter(m: ParticleFilter__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.particle_filter;
  return {
    kind: 'particle_filter',
    particles: pick(m.particles, 0, d.particles),
    aggregation: aggregation(m.aggregation, d.aggregation, 'particle_filter.aggregation'),
    temperature: pick(m.temperature, 0, d.temperature),
    useValue: m.useValue ?? d.useValue,
    stopOnSolution: m.stopOnSolution ?? d.stopOnSolution,
    dedupeStates: m.dedupeStates ?? d.dedupeStates,
    vote: vote(m.vote, d.vote, 'particle_filter.vote'),
  };
}

/** The validated algorithm config of a request; throws InvalidArgumentError naming the field. */
export function algorithmFromRequest(request: SearchRequest__Output): AlgorithmConfig {
  let config: AlgorithmConfig;
  if (request.bestOfN) config = bestOfN(request.bestOfN);
  else if (request.beam) config = beam(request.beam);
  else if (request.dvts) config = dvts(request.dvts);
  else if (request.mcts) config = mcts(request.mcts);
  else if (request.bestFirst) config = bestFirst(request.bestFirst);
  else if (request.litesearch) config = liteSearch(request.litesearch);
  else if (request.rebase) config = rebase(request.rebase);
  else if (request.particleFilter) config = particleFilter(request.particleFilter);
  else config = { ...SERVER_DEFAULTS[DEFAULT_ALGORITHM] };
  validateAlgorithm(config);
  return config;
}


/** The oneof member a CLI algorithm name selects, with the given fields (server defaults for the rest). */
export function algorithmOneof(name: AlgorithmName, fields: Record<string, unknown> = {}): Partial<SearchRequest> {
  return { [ALGORITHMS[name].member]: fields } as Partial<SearchRequest>;
}
