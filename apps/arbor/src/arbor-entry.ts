// The script that starts `arbor` again as a child process (arbor up's replicas, the fault benchmark's services).
import { fileURLToPath } from 'node:url';

/** From the sources, bin/arbor.js (which loads them through tsx); from the bundle, the running script itself. */
export function arborEntry(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fromSources || !process.argv[1] ? fileURLToPath(new URL('../bin/arbor.js', import.meta.url)) : process.argv[1];
}
