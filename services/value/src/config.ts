// Value service configuration: parsed once from the environment (CLI flags are mapped onto the same names).
import { env, readConfig, type EnvSource } from '@arbor/kit';

export const VALUE_BACKENDS = ['embedded'] as const;

export const valueConfigShape = {
  ARBOR_VALUE_LISTEN: env.address('127.0.0.1:50053'),
  ARBOR_VALUE_BACKEND: env.oneOf(VALUE_BACKENDS, 'embedded'),
};

export type ValueConfig = ReturnType<typeof readValueConfig>;

export function readValueConfig(source: EnvSource = process.env) {
  return readConfig(valueConfigShape, source);
}
