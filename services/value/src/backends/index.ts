// Picks the value backend named by configuration.
import type { ValueBackend } from '../backend.js';
import type { ValueConfig } from '../config.js';
import { createEmbeddedValue } from './embedded.js';

export function createValueBackend(config: ValueConfig): ValueBackend {
  switch (config.ARBOR_VALUE_BACKEND) {
    case 'embedded':
      return createEmbeddedValue();
  }
}
