// Range checks behind validateAlgorithm; each throws InvalidArgumentError naming the proto field path.

import { InvalidArgumentError } from '@arbor/kit/errors';

export function intIn(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be an integer between ${min} and ${max}`);
  }
}

export function finiteIn(value: number, min: number, max: number, field: string): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be a number between ${min} and ${max}`);
  }
}

/** A number in (min, max]: for temperatures and rates where the lower end would divide by zero or mean nothing. */
export function finiteAbove(value: number, min: number, max: number, field: string): void {
  if (!Number.isFinite(value) || value <= min || value > max) {
    throw new InvalidArgumentError(field, `must be a number greater than ${min} and at most ${max}`);
  }
}

/** A number strictly inside (min, max), e.g. a probability that must be neither impossible nor certain. */
export function finiteBetween(value: number, min: number, max: number, field: string): void {
  if (!Number.isFinite(value) || value <= min || value >= max) {
    throw new InvalidArgumentError(field, `must be a number strictly between ${min} and ${max}`);
  }
}

export function oneOf<T extends string>(value: T, allowed: readonly T[], field: string): void {
  if (!allowed.includes(value)) {
    throw new InvalidArgumentError(field, `must be one of ${allowed.join(', ')}`);
  }
}

/** Only a real boolean: an untyped `"false"` string would otherwise read as true. */
export function bool(value: boolean, field: string): void {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(field, 'must be true or false');
}
