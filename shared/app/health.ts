export type DependencyProbe = () => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, 'ok' | 'failed'>;
}

/** Runs every probe in parallel with a time limit; any failure makes the report degraded. */
export async function checkHealth(probes: Record<string, DependencyProbe>, timeoutMs = 3000): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      try {
        await withTimeout(probe(), timeoutMs);
        return [name, 'ok'] as const;
      } catch {
        return [name, 'failed'] as const;
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  return { status: entries.every(([, state]) => state === 'ok') ? 'ok' : 'degraded', checks };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The last report is reused for `ttlMs` (and concurrent checks share one run), so a flood of probes
 * reaches each dependency at most once per period. `now` is the wall clock: it is about load, not the
 * app's (possibly virtual) time.
 */
export function cachedHealthCheck(
  check: () => Promise<HealthReport>,
  ttlMs: number,
  now: () => number = Date.now,
): () => Promise<HealthReport> {
  let last: { at: number; report: Promise<HealthReport> } | undefined;
  return () => {
    const at = now();
    if (!last || at - last.at >= ttlMs) {
      const report = check();
      last = { at, report };
      // A check that throws (it should not) is not kept.
      report.catch(() => {
        if (last?.report === report) last = undefined;
      });
    }
    return last.report;
  };
}
