// Original file: ../../protos/arbor/v1/search.proto

import type { Trajectory as _arbor_v1_Trajectory, Trajectory__Output as _arbor_v1_Trajectory__Output } from '../../arbor/v1/Trajectory';

export interface RankedAnswer {
  'answer'?: (string);
  /**
   * The best-scored trajectory that reached this answer (for the chosen answer: the chosen trajectory).
   */
  'trajectory'?: (_arbor_v1_Trajectory | null);
  /**
   * For the chosen answer, SearchResult.score; for the others, their best trajectory's outcome, else its step's
   * reward, else its value.
   */
  'score'?: (number | string);
  /**
   * Finished trajectories in the tree that reached this answer.
   */
  'trajectories'?: (number);
  /**
   * True when the task's verifier confirmed it (outcome 1).
   */
  'verified'?: (boolean);
}

export interface RankedAnswer__Output {
  'answer': (string);
  /**
   * The best-scored trajectory that reached this answer (for the chosen answer: the chosen trajectory).
   */
  'trajectory': (_arbor_v1_Trajectory__Output | null);
  /**
   * For the chosen answer, SearchResult.score; for the others, their best trajectory's outcome, else its step's
   * reward, else its value.
   */
  'score': (number);
  /**
   * Finished trajectories in the tree that reached this answer.
   */
  'trajectories': (number);
  /**
   * True when the task's verifier confirmed it (outcome 1).
   */
  'verified': (boolean);
}
