// Seeded PRNG for the embedded policy: the same `sampling.seed` gives the same candidates on any replica.
import { InvalidArgumentError } from '@arbor/kit/errors';

export interface Rng {
  /** Uniform in [0, 1), never exactly 0 (so log(u) is finite). */
  next(): number;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * Parses the wire seed (a uint64 as a decimal string; '' means 0) and returns a generator. The 64-bit seed is
 * spread over 128 bits of state by a SplitMix64-style mixer, then xoshiro128** runs on 32-bit integer math,
 * which is fast in JS and has period 2^128 - 1 from any non-zero state.
 */
export function createRng(seed: string): Rng {
  const text = seed.trim() === '' ? '0' : seed.trim();
  if (!/^\d{1,20}$/.test(text) || BigInt(text) > MASK64) {
    throw new InvalidArgumentError('sampling.seed', 'is not a uint64');
  }
  let mix = BigInt(text);
  const words: number[] = [];
  for (let i = 0; i < 2; i++) {
    mix = (mix + 0x9e3779b97f4a7c15n) & MASK64;
    let z = mix;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    z ^= z >> 31n;
    words.push(Number(z & 0xffffffffn), Number(z >> 32n));
  }
  let [s0, s1, s2, s3] = words as [number, number, number, number];
  // The all-zero state is the one fixed point of xoshiro; the mixer never produces it, but stay safe.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
  return {
    next(): number {
      const out = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      return (out + 0.5) / 4294967296;
    },
  };
}
