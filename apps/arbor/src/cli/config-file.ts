// Checks the names in ARBOR_CONFIG_FILE, and the ARBOR_* names of the environment, against every setting the `arbor` processes read from it. Each service reads
// only its own names from the shared file, so on its own it cannot tell a typo ("ARBOR_POLICY_TEMPRATURE") from
// another service's setting; the CLI knows them all, and refuses the file before anything starts.
import { gatewayConfigShape } from '@arbor/gateway';
import { ConfigError, PRICED_SERVICES, priceVariables, readConfigFileSettings, type EnvSource } from '@arbor/kit';
import { policyConfigShape } from '@arbor/policy';
import { rewardConfigShape } from '@arbor/reward';
import { valueConfigShape } from '@arbor/value';
import { orchestratorConfigShape } from '@arbor/orchestrator';
import { serveConfigShape } from '../compose/services.js';
import { NATS_USERS } from '../nats-config/authorization.js';
import { didYouMean } from './suggest.js';

function knownSettings(): Set<string> {
  const known = new Set([
    ...Object.keys(policyConfigShape),
    ...Object.keys(valueConfigShape),
    ...Object.keys(rewardConfigShape),
    ...Object.keys(orchestratorConfigShape),
    ...Object.keys(gatewayConfigShape),
    ...Object.keys(serveConfigShape),
  ]);
  for (const service of PRICED_SERVICES) for (const name of Object.values(priceVariables(service))) known.add(name);
  return known;
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
    throw new ConfigError(`${where}: ${name} is not an Arbor setting${didYouMean(name, known)}`);
  }
}

/** ARBOR_* names read by the CLI itself, or by nats-server from the same environment, rather than by a service. */
const OTHER_ARBOR_NAMES = [
  'ARBOR_CONFIG_FILE',
  'ARBOR_API_TOKEN',
  'ARBOR_DEBUG',
  'ARBOR_PROTO_ROOT',
];
/** The passwords of `arbor nats passwords`, of any namespace: read by nats-server, from the same environment. */
const NATS_PASSWORD_VARIABLE = new RegExp(`^ARBOR_NATS_(?:[A-Z0-9_]+_)?(?:${NATS_USERS.map((u) => u.toUpperCase()).join('|')})_PASSWORD$`);

/**
 * The ARBOR_* variables of the environment that no Arbor process reads: probably typos, which would otherwise be
 * ignored without a word. Variables that an `ARBOR_*_API_KEY_ENV` setting names (an API key kept under a name of
 * the user's choosing) are not typos.
 */
export function unknownEnvironmentNames(env: EnvSource): Array<{ name: string; hint: string }> {
  const known = knownSettings();
  for (const name of OTHER_ARBOR_NAMES) known.add(name);
  const keyVariables = new Set(Object.entries(env).filter(([name]) => name.endsWith('_API_KEY_ENV')).map(([, value]) => value));
  return Object.keys(env)
    .filter((name) => name.startsWith('ARBOR_') && !known.has(name) && !keyVariables.has(name) && !NATS_PASSWORD_VARIABLE.test(name))
    .sort()
    .map((name) => ({ name, hint: didYouMean(name, known) }));
}
