// The running telemetry SDK of this process, if any, so that shutdown paths (kit's signal handler, the CLI's
// exit) can flush it without importing the SDK themselves.

export interface TelemetryHandle {
  /** Spans are recorded and exported. */
  readonly tracing: boolean;
  /** Metrics are recorded and exported (or served for scraping). */
  readonly metrics: boolean;
  /** Exports everything recorded so far. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the SDK and unregisters it from the API, so it can be started again. Safe to call twice. */
  shutdown(): Promise<void>;
}

let active: TelemetryHandle | undefined;

export function activeTelemetry(): TelemetryHandle | undefined {
  return active;
}

/** Called by startTelemetry and by the handle's shutdown; not for application code. */
export function setActiveTelemetry(handle: TelemetryHandle | undefined): void {
  active = handle;
}

/**
 * Flushes and stops the running SDK, waiting at most `timeoutMs`: an exporter whose collector is gone must not
 * hold a process that was asked to stop. Resolves true when it finished in time (or telemetry is off).
 */
export async function shutdownTelemetry(timeoutMs = 5_000): Promise<boolean> {
  const handle = active;
  if (!handle) return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([handle.shutdown().then(() => true), limit]);
  } finally {
    clearTimeout(timer);
  }
}
