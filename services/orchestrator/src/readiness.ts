// The orchestrator is ready (health SERVING) only when every model service it needs can answer: NATS connected
// and at least one replica of each NATS-reached service answering discovery; each gRPC-reached service's own
// health SERVING. In-process services are always there. Liveness is another health name and ignores all this.
import { checkHealth, type ClientTls, type Logger } from '@arbor/kit';
import type { ModelService } from '@arbor/search';

export const MODEL_SERVICE_NAMES: Record<ModelService, string> = {
  policy: 'arbor.v1.PolicyService',
  value: 'arbor.v1.ValueService',
  reward: 'arbor.v1.RewardService',
};

/** A set of named conditions, all of which must hold; `apply` hears every change of the whole. */
export class Readiness {
  readonly #conditions = new Map<string, boolean>();
  #last: boolean | undefined;

  constructor(
    private readonly apply: (ready: boolean) => void,
    private readonly logger?: Logger,
  ) {}

  /** Declares a condition, false until set. */
  require(name: string): void {
    if (!this.#conditions.has(name)) this.#conditions.set(name, false);
    this.#publish();
  }

  set(name: string, holds: boolean): void {
    const before = this.#conditions.get(name);
    this.#conditions.set(name, holds);
    if (before !== holds && this.#last !== undefined) this.logger?.info({ condition: name, holds }, 'readiness condition changed');
    this.#publish();
  }

  get ready(): boolean {
    for (const holds of this.#conditions.values()) if (!holds) return false;
    return true;
  }

  /** The conditions that do not hold. */
  get missing(): string[] {
    return [...this.#conditions].filter(([, holds]) => !holds).map(([name]) => name);
  }

  #publish(): void {
    const ready = this.ready;
    if (ready === this.#last) return;
    this.#last = ready;
    this.apply(ready);
  }
}

/** Asks a gRPC model service's health every `intervalMs` and reports whether it says SERVING. */
export function pollGrpcHealth(
  address: string,
  service: ModelService,
  report: (serving: boolean) => void,
  tls?: ClientTls,
  intervalMs = 2_000,
): () => void {
  let stopped = false;
  const probe = async () => {
    const status = await checkHealth(address, MODEL_SERVICE_NAMES[service], Math.min(intervalMs, 2_000), tls).catch(() => 'UNKNOWN');
    if (!stopped) report(status === 'SERVING');
  };
  void probe();
  const timer = setInterval(() => void probe(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
