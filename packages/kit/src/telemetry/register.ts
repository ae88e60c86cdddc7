// Telemetry for an `arbor` process, loaded before the app: imported first by bin/arbor.js, or with
// `node --import ./dist/telemetry.mjs dist/arbor.mjs ...` for the bundle. Configured only by OTEL_* variables
// and off unless one asks for traces or metrics; the SDK is not even imported then.
import { shutdownTelemetry } from './lifecycle.js';
import { serviceNameFromArgs, telemetryRequest } from './settings.js';

const request = telemetryRequest(process.env);
if (request.traces || request.metrics) {
  const { startTelemetry } = await import('./sdk.js');
  // The arguments are all there is to go on this early: the app has not parsed them yet.
  const handle = startTelemetry({ serviceName: serviceNameFromArgs(process.argv.slice(2)) });
  // A CLI run ends when its event loop empties; spans still batched would be lost without a last flush.
  // Servers flush in kit's shutdown on SIGTERM/SIGINT instead, since they exit through process.exit.
  if (handle) process.once('beforeExit', () => void shutdownTelemetry());
}
