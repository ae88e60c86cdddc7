// `arbor nats`: what a NATS server needs to serve Arbor with one user per service. `authorization` prints the
// users and their permissions (a block to include in nats-server's configuration); `passwords` prints a fresh
// random password for each user as environment lines (a compose .env file, or a Kubernetes Secret via
// --from-env-file).
import { NATS_NAMESPACE_PATTERN } from '@arbor/contracts';
import { natsAuthorization, natsPasswordVariable, natsUserName, newNatsPasswords, NATS_USERS } from '../nats-config/authorization.js';
import { parseFlags } from './args.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

export const NATS_HELP = `Usage: arbor nats authorization [--namespace NS]...
       arbor nats passwords [--namespace NS]...

  authorization     print the nats-server authorization block: users orchestrator, policy, value and reward,
                    each allowed only its own subjects; passwords are read from the server's environment
                    (${NATS_USERS.map((user) => natsPasswordVariable(user)).join(', ')})
  passwords         print a new random password for each user, as NAME=VALUE lines

  --namespace NS    the stack's ARBOR_NATS_NAMESPACE (default: none); repeat it for stacks sharing a server:
                    each namespace gets its own users (${natsUserName('policy', 'staging')}) and passwords
                    (${natsPasswordVariable('policy', 'staging')})
  -h, --help        show this help

Each service then connects with NATS_USER=<its user> and NATS_PASSWORD=<its password>.
`;

const FLAGS = {
  namespace: { type: 'string', multiple: true },
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
  const namespaces = values.namespace ?? [''];
  for (const namespace of namespaces) {
    if (!NATS_NAMESPACE_PATTERN.test(namespace) || namespace.length > 128) {
      throw new UsageError('--namespace: NATS tokens of letters, digits, - and _, separated by dots (at most 128 characters)');
    }
  }
  // `a-b` and `a.b` are two namespaces but would read the same password variables.
  if (new Set(namespaces.map((namespace) => natsPasswordVariable('policy', namespace))).size !== namespaces.length) {
    throw new UsageError('--namespace: each namespace once (names that differ only in . - _ count as the same)');
  }
  if (action === 'passwords') {
    for (const namespace of namespaces) {
      const passwords = newNatsPasswords();
      io.stdout.write(NATS_USERS.map((user) => `${natsPasswordVariable(user, namespace)}=${passwords[user]}\n`).join(''));
    }
    return 0;
  }
  io.stdout.write(natsAuthorization(namespaces));
  return 0;
}
