// checkPolicy without a pool of one's own: a shared one-worker pool, started
// on first use and closed after a few idle seconds (it never keeps Node alive).
import { createPool, type Pool } from "./pool.js";
import type { PolicyResult, SourceFile } from "./types.js";

const IDLE_CLOSE_MS = 5000;
let shared: Promise<Pool> | undefined;
let inFlight = 0;
let idleTimer: NodeJS.Timeout | undefined;

/**
 * The static sandbox policy on Elixir source, without running it:
 * `{ ok: true }` or `{ ok: false, violations: [{ message, line }] }` where a message
 * reads "File.write!/2 is not allowed in sandboxed code (line 3)". A syntax error
 * is reported as a violation too. Pass `pool` to use a pool you already have.
 */
export async function checkPolicy(source: string | SourceFile[], options: { pool?: Pool } = {}): Promise<PolicyResult> {
  if (options.pool) return options.pool.checkPolicy(source);
  if (idleTimer) clearTimeout(idleTimer);
  inFlight++;
  try {
    if (!shared) {
      shared = createPool({ size: 1 });
      shared.catch(() => (shared = undefined));
    }
    return await (await shared).checkPolicy(source);
  } finally {
    inFlight--;
    if (inFlight === 0) {
      idleTimer = setTimeout(() => {
        const p = shared;
        shared = undefined;
        void p?.then((pool) => pool.close());
      }, IDLE_CLOSE_MS);
      idleTimer.unref();
    }
  }
}
