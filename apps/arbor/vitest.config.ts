import { defineConfig } from 'vitest/config';

// Integration and CLI tests start real servers and spawn the CLI; give them room on a 2-core machine. Two test
// files at a time: most of their time is spent waiting on child processes and sockets, so a second file uses the
// idle core (measured on 2 cores: 543 s instead of 744 s for the whole suite).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
