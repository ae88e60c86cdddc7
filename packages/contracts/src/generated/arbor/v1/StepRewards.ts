// Original file: ../../protos/arbor/v1/reward.proto


export interface StepRewards {
  /**
   * One reward in [0, 1] per step of the trajectory, in order.
   */
  'stepRewards'?: (number | string)[];
  /**
   * Outcome reward in [0, 1], present only when the trajectory is finished.
   */
  'outcome'?: (number | string);
  '_outcome'?: "outcome";
}

export interface StepRewards__Output {
  /**
   * One reward in [0, 1] per step of the trajectory, in order.
   */
  'stepRewards': (number)[];
  /**
   * Outcome reward in [0, 1], present only when the trajectory is finished.
   */
  'outcome'?: (number);
  '_outcome'?: "outcome";
}
