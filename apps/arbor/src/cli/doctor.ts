// `arbor doctor`: checks each configured model backend the way the services will use it, and prints a table.
import { CHECKS, type DoctorOptions } from '../doctor/checks.js';
import type { DoctorService, Row } from '../doctor/probes.js';
import { choiceFlag, integerFlag, parseFlags } from './args.js';
import type { CliIO } from './io.js';
import { renderTable } from './table.js';

export const DOCTOR_HELP = `Usage: arbor doctor [--service policy|value|reward]... [--json] [--timeout-ms MS]

Checks each model backend configured (the same environment and ARBOR_CONFIG_FILE as arbor serve) the way the
service will use it, with fixed probe problems (never your data): the server reachable and serving the model, its
kind, n served (and the largest that works), logprob shape, chat-continue giving steps, a judge decisive, PRM rows
well formed with the labels the right way round, cached-token reporting, and the latency of one call.

  --service NAME    check only this service (policy, value, reward); repeatable
  --json            print the rows as JSON
  --timeout-ms MS   the longest one probe may take (default 30000)
  -h, --help        show this help

Exit 0 when nothing failed (warnings allowed), 1 when a check failed: its detail names the setting to change.
`;

const SERVICES = ['policy', 'value', 'reward'] as const satisfies readonly DoctorService[];

const FLAGS = {
  service: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function doctorCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) {
    io.stdout.write(DOCTOR_HELP);
    return 0;
  }
  const chosen = (values.service ?? []).map((s) => choiceFlag('service', s, SERVICES) as DoctorService);
  const services = chosen.length > 0 ? SERVICES.filter((s) => chosen.includes(s)) : [...SERVICES];
  const options: DoctorOptions = { timeoutMs: integerFlag('timeout-ms', values['timeout-ms'], 100, 3_600_000) ?? 30_000 };
  const rows: Row[] = [];
  for (const service of services) rows.push(...(await CHECKS[service](io.env, options)));
  const failed = rows.filter((r) => r.result === 'FAIL').length;
  const warned = rows.filter((r) => r.result === 'warn').length;
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ok: failed === 0, failed, warned, rows }, null, 2)}\n`);
  } else {
    io.stdout.write(`${renderTable(['service', 'check', 'result', 'detail'], rows.map((r) => [r.service, r.check, r.result, r.detail]))}\n`);
    io.stdout.write(failed > 0 ? `\n${failed} check(s) failed, ${warned} warning(s): change the settings named above.\n` : `\nall checks passed${warned > 0 ? `, ${warned} warning(s)` : ''}.\n`);
  }
  return failed > 0 ? 1 : 0;
}
