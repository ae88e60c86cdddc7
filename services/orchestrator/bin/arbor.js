#!/usr/bin/env node
// Runs the TypeScript CLI from source through tsx, so `npx arbor` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/entry.ts');
