// Checks the names in ARBOR_CONFIG_FILE against every setting the `arbor` processes read from it. Each service reads
// only its own names from the shared file, so on its own it cannot tell a typo ("ARBOR_POLICY_TEMPRATURE") from
// another service's setting; the CLI knows them all, and refuses the file before anything starts.
import { ConfigError, PRICED_SERVICES, priceVariables, readConfigFileSettings, type EnvSource } from '@arbor/kit';
import { policyConfigShape } from '@arbor/policy';
import { rewardConfigShape } from '@arbor/reward';
import { valueConfigShape } from '@arbor/value';
import { orchestratorConfigShape } from '@arbor/orchestrator';
import { serveConfigShape } from '../compose/services.js';

function knownSettings(): Set<string> {
  const known = new Set([
    ...Object.keys(policyConfigShape),
    ...Object.keys(valueConfigShape),
    ...Object.keys(rewardConfigShape),
    ...Object.keys(orchestratorConfigShape),
    ...Object.keys(serveConfigShape),
  ]);
  for (const service of PRICED_SERVICES) for (const name of Object.values(priceVariables(service))) known.add(name);
  return known;
}

/** Edit distance, to suggest the setting a typo meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Throws a ConfigError naming the first setting of the file that no Arbor process reads from it: a misspelt
 * ARBOR_* name, or one only the environment sets (LOG_LEVEL, OTEL_*: the logger and the OpenTelemetry SDK start
 * before any config is read), which the file would otherwise ignore without a word.
 */
export function checkConfigFileNames(env: EnvSource): void {
  const settings = readConfigFileSettings(env);
  const known = knownSettings();
  const where = `ARBOR_CONFIG_FILE: "${env.ARBOR_CONFIG_FILE}"`;
  for (const name of Object.keys(settings)) {
    if (known.has(name)) continue;
    if (!name.startsWith('ARBOR_')) throw new ConfigError(`${where}: ${name} is read from the environment only; set it there`);
    const closest = [...known].map((k) => [k, distance(name, k)] as const).sort((x, y) => x[1] - y[1])[0];
    const hint = closest && closest[1] <= 3 ? ` (did you mean ${closest[0]}?)` : '';
    throw new ConfigError(`${where}: ${name} is not an Arbor setting${hint}`);
  }
}
