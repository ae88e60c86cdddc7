// `@arbor/kit/telemetry`: starting and stopping the OpenTelemetry SDK in a process (this imports the SDK;
// the span and metric helpers that every service uses are exported from `@arbor/kit` and do not).
export { startTelemetry, startDiscardingTelemetry, DiscardingSpanExporter, type TelemetryOptions } from './sdk.js';
export { activeTelemetry, shutdownTelemetry, type TelemetryHandle } from './lifecycle.js';
export { telemetryRequest, serviceNameFromArgs, type TelemetryRequest } from './settings.js';
