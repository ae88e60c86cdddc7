// CPU time and peak memory of a stretch of benchmark work, read from the process itself. Client and model
// services share this process, so the CPU time is that of the whole round trip (both ends), the figure that
// matters on a machine where they compete for the same cores.

export interface ResourceUse {
  /** User + system CPU time spent between start and stop, ms. */
  cpuMs: number;
  /** Peak resident set size of the process so far (it never decreases), KiB. */
  maxRssKb: number;
}

export interface ResourceMeter {
  stop(): ResourceUse;
}

export function meterResources(): ResourceMeter {
  const start = process.cpuUsage();
  return {
    stop() {
      const used = process.cpuUsage(start);
      return { cpuMs: (used.user + used.system) / 1_000, maxRssKb: process.resourceUsage().maxRSS };
    },
  };
}
