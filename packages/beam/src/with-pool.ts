// The "use the caller's pool, or make one for this call" pattern of every
// library entry point that runs Elixir (verifyPair, the evals...), written once.
import { createPool } from "./pool.js";
import type { JobRunner } from "./job-runner.js";
import type { PoolOptions } from "./types.js";

/**
 * Runs `work` on `given` when the caller passed a runner; otherwise on a pool
 * made for this call (`options`, e.g. the preloads the work can use) and closed afterwards, also on error.
 */
export async function withPool<T>(
  given: JobRunner | undefined,
  work: (pool: JobRunner) => Promise<T>,
  options: PoolOptions = {},
): Promise<T> {
  if (given) return work(given);
  const pool = await createPool(options);
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}
