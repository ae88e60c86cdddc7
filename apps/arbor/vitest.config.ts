import { defineConfig } from 'vitest/config';

// Integration and CLI tests start real servers and spawn the CLI; give them room on a 2-core machine.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
