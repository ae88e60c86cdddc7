// Original file: ../../protos/arbor/v1/search.proto

import type { RewardAggregation as _arbor_v1_RewardAggregation, RewardAggregation__Output as _arbor_v1_RewardAggregation__Output } from '../../arbor/v1/RewardAggregation';
import type { Vote as _arbor_v1_Vote, Vote__Output as _arbor_v1_Vote__Output } from '../../arbor/v1/Vote';

/**
 * Particle filtering (Puri et al. 2025): `particles` partial trajectories, each extended by one step per round
 * (one policy call per particle), weighted by the process reward and resampled with replacement by
 * softmax(weight / temperature); a finished particle stays in the population with its final weight and is not
 * extended, and the finished particles vote for the answer.
 */
export interface ParticleFilter {
  /**
   * Particles (N), kept by every resampling. Each round issues one policy call per unfinished particle and one
   * reward call for all of them.
   */
  'particles'?: (number);
  /**
   * How a particle's step rewards make its weight; the paper's is LAST (the newest step's reward). A finished
   * particle's weight is its outcome reward when the reward service gives one.
   */
  'aggregation'?: (_arbor_v1_RewardAggregation);
  /**
   * Softmax temperature over the weights when resampling: 1 is the paper's softmax of the rewards; lower values
   * concentrate the particles on the best ones, higher values keep them spread.
   */
  'temperature'?: (number | string);
  /**
   * Stop as soon as a finished particle has full outcome reward. Unset booleans here and below mean the server
   * default.
   */
  'stopOnSolution'?: (boolean);
  /**
   * How the finished particles of the final population pick the answer (copies count).
   */
  'vote'?: (_arbor_v1_Vote);
  /**
   * Multiply an unfinished particle's weight by the value service's estimate of its state.
   */
  'useValue'?: (boolean);
  /**
   * Particles proposing a state that this round already created share its node instead of making a twin.
   */
  'dedupeStates'?: (boolean);
  '_stopOnSolution'?: "stopOnSolution";
  '_useValue'?: "useValue";
  '_dedupeStates'?: "dedupeStates";
}

/**
 * Particle filtering (Puri et al. 2025): `particles` partial trajectories, each extended by one step per round
 * (one policy call per particle), weighted by the process reward and resampled with replacement by
 * softmax(weight / temperature); a finished particle stays in the population with its final weight and is not
 * extended, and the finished particles vote for the answer.
 */
export interface ParticleFilter__Output {
  /**
   * Particles (N), kept by every resampling. Each round issues one policy call per unfinished particle and one
   * reward call for all of them.
   */
  'particles': (number);
  /**
   * How a particle's step rewards make its weight; the paper's is LAST (the newest step's reward). A finished
   * particle's weight is its outcome reward when the reward service gives one.
   */
  'aggregation': (_arbor_v1_RewardAggregation__Output);
  /**
   * Softmax temperature over the weights when resampling: 1 is the paper's softmax of the rewards; lower values
   * concentrate the particles on the best ones, higher values keep them spread.
   */
  'temperature': (number);
  /**
   * Stop as soon as a finished particle has full outcome reward. Unset booleans here and below mean the server
   * default.
   */
  'stopOnSolution'?: (boolean);
  /**
   * How the finished particles of the final population pick the answer (copies count).
   */
  'vote': (_arbor_v1_Vote__Output);
  /**
   * Multiply an unfinished particle's weight by the value service's estimate of its state.
   */
  'useValue'?: (boolean);
  /**
   * Particles proposing a state that this round already created share its node instead of making a twin.
   */
  'dedupeStates'?: (boolean);
  '_stopOnSolution'?: "stopOnSolution";
  '_useValue'?: "useValue";
  '_dedupeStates'?: "dedupeStates";
}
