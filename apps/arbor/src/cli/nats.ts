// `arbor nats`: what a NATS server needs to serve Arbor with one user per service. `authorization` prints the
// users and their permissions (a block to include in nats-server's configuration); `passwords` prints a fresh
// random password for each user as environment lines (a compose .env file, or a Kubernetes Secret via
// --from-env-file).
import { NATS_NAMESPACE_PATTERN } from '@arbor/contracts';
import { natsAuthorization, natsPasswordVariable, newNatsPasswords, NATS_USERS } from '../nats-config/authorization.js';
import { parseFlags } from './args.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

export const NATS_HELP = `Usage: arbor nats authorization [--namespace NS]
       arbor nats passwords

  authorization     print the nats-server authorization block: users orchestrator, policy, value and reward,
                    each allowed only its own subjects; passwords are read from the server's environment
                    (${NATS_USERS.map(natsPasswordVariable).join(', ')})
  passwords         print a new random password for each user, as NAME=VALUE lines

  --namespace NS    the stack's ARBOR_NATS_NAMESPACE (default: none)
  -h, --help        show this help

Each service then connects with NATS_USER=<its name> and NATS_PASSWORD=<its password>.
`;

const FLAGS = {
  namespace: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function natsCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, true);
  if (values.help) {
    io.stdout.write(NATS_HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0 || (action !== 'authorization' && action !== 'passwords')) {
    throw new UsageError('expected: arbor nats authorization | arbor nats passwords (see arbor nats --help)');
  }
  if (action === 'passwords') {
    if (values.namespace !== undefined) throw new UsageError('--namespace: only for arbor nats authorization');
    const passwords = newNatsPasswords();
    io.stdout.write(NATS_USERS.map((user) => `${natsPasswordVariable(user)}=${passwords[user]}\n`).join(''));
    return 0;
  }
  const namespace = values.namespace ?? '';
  if (!NATS_NAMESPACE_PATTERN.test(namespace) || namespace.length > 128) {
    throw new UsageError('--namespace: NATS tokens of letters, digits, - and _, separated by dots (at most 128 characters)');
  }
  io.stdout.write(natsAuthorization(namespace));
  return 0;
}
