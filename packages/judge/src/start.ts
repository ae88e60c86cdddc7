// How a service starts a judge: its logger from now on, and the server's kind asked once. A judge server still
// starting is not fatal: the first call asks again. Only the kind of failure is logged, never a reply's text.
import type { Logger } from '@arbor/kit';
import { isArborError } from '@arbor/kit/errors';
import type { Judge } from './judge.js';

export async function startJudge(judge: Judge, logger: Logger, signal: AbortSignal): Promise<void> {
  judge.useLogger(logger);
  try {
    await judge.setup(signal);
  } catch (err) {
    logger.warn({ kind: isArborError(err) ? err.kind : 'unknown', err }, 'could not tell which server the judge talks to yet; asking again with the first call');
  }
}
