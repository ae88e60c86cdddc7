// Telemetry for an `arbor` process, loaded before the app: imported first by bin/arbor.js, or with
// `node --import ./dist/telemetry.mjs dist/arbor.mjs ...` for the bundle. Configured only by OTEL_* variables
// and off unless one asks for traces or metrics; the SDK is not even imported then.
import { Console } from 'node:console';
import { shutdownTelemetry } from './lifecycle.js';
import { serviceNameFromArgs, telemetryRequest, wantsConsoleExporter } from './settings.js';

/** A CLI run waits this long at most for its last spans to leave, then goes without them (and says so). */
const CLI_FLUSH_MS = 2_000;

const request = telemetryRequest(process.env);
if (request.traces || request.metrics) {
  // The SDK's console exporters print through the global console, to stdout, where `arbor solve --json` writes
  // its results: in an arbor process they print to stderr. Arbor itself never writes through console.
  if (wantsConsoleExporter(process.env)) globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  const { startTelemetry } = await import('./sdk.js');
  // The arguments are all there is to go on this early: the app has not parsed them yet.
  const handle = startTelemetry({ serviceName: serviceNameFromArgs(process.argv.slice(2)) });
  // A CLI run ends when its event loop empties; spans still batched would be lost without a last flush. An
  // unreachable collector must not hold the command for the exporter's whole timeout and retries.
  // Servers flush in kit's shutdown on SIGTERM/SIGINT instead, since they exit through process.exit.
  if (handle) {
    process.once('beforeExit', () => {
      void shutdownTelemetry(CLI_FLUSH_MS).then(
        (finished) => {
          if (finished) return;
          process.stderr.write(`arbor: warning: telemetry did not finish exporting within ${CLI_FLUSH_MS / 1000} s (is the OTLP endpoint reachable?); the rest of this run's telemetry is dropped\n`);
          process.exit();
        },
        (err: unknown) => {
          // One line, not an exporter's stack: the run itself is done and its exit code stands.
          process.stderr.write(`arbor: warning: telemetry export failed: ${err instanceof Error ? err.message : String(err)}\n`);
        },
      );
    });
  }
}
