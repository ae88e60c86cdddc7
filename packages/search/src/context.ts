// What an algorithm gets to work with, and what it hands back.

import type { BudgetMeter } from './budget.js';
import type { SearchControl } from './control.js';
import type { ModelGateway } from './gateway.js';
import type { Step } from './model.js';
import type { StopReason } from './stop.js';
import type { SearchTree } from './tree.js';

/** An algorithm's current pick; "" answer with steps = a partial trajectory. */
export interface Pick {
  answer: string;
  best: Step[];
  score: number;
}

export interface AlgorithmResult extends Pick {
  /** How the algorithm ended on its own terms; a stop reason recorded in SearchControl takes precedence. */
  reason: StopReason;
}

export interface SearchContext {
  readonly tree: SearchTree;
  readonly meter: BudgetMeter;
  readonly control: SearchControl;
  readonly gateway: ModelGateway;
  readonly seed: number;
  readonly answerKey: (answer: string) => string;
  readonly stateKey: (steps: readonly Step[]) => string;
  /** Report progress after an expansion; `pick` is only called when someone listens. */
  readonly progress: (pick: () => Pick) => void;
}

export function noPick(): Pick {
  return { answer: '', best: [], score: 0 };
}
