// Original file: ../../protos/arbor/v1/search.proto

export const FinalChoice = {
  FINAL_CHOICE_UNSPECIFIED: 'FINAL_CHOICE_UNSPECIFIED',
  FINAL_CHOICE_VISITS: 'FINAL_CHOICE_VISITS',
  FINAL_CHOICE_VALUE: 'FINAL_CHOICE_VALUE',
} as const;

export type FinalChoice =
  | 'FINAL_CHOICE_UNSPECIFIED'
  | 0
  | 'FINAL_CHOICE_VISITS'
  | 1
  | 'FINAL_CHOICE_VALUE'
  | 2

export type FinalChoice__Output = typeof FinalChoice[keyof typeof FinalChoice]
