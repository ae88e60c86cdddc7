#!/usr/bin/env node
// Runs the TypeScript CLI from source through tsx, so `npx arbor` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
// Telemetry before the app, so every span and metric of the process goes through the SDK configured by OTEL_*
// (a no-op, without even loading the SDK, when nothing is configured).
await import('@arbor/kit/telemetry/register');
await import('../src/cli/entry.ts');
