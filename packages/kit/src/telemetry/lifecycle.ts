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
 * hold a process that was asked to stop. A no-op when telemetry is off.
 */
export async function shutdownTelemetry(timeoutMs = 5_000): Promise<void> {
  const handle = active;
  if (!handle) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([handle.shutdown(), limit]);
  } finally {
    clearTimeout(timer);
  }
}
