// The reference set of system-design problems, validated when loaded.
import { z } from "zod";
import { DesignProblemSchema, InvalidDesignProblemError, type DesignProblem } from "./types.js";
import { chatRooms } from "./problems/chat-rooms.js";
import { connectionPool } from "./problems/connection-pool.js";
import { gameSession } from "./problems/game-session.js";
import { ingestPipeline } from "./problems/ingest-pipeline.js";
import { metricsFlusher } from "./problems/metrics-flusher.js";
import { platformIsolation } from "./problems/platform-isolation.js";
import { queryCache } from "./problems/query-cache.js";
import { rateLimiter } from "./problems/rate-limiter.js";
import { reportTasks } from "./problems/report-tasks.js";
import { scraperJobs } from "./problems/scraper-jobs.js";
import { sensorEscalation } from "./problems/sensor-escalation.js";
import { shopBackend } from "./problems/shop-backend.js";
import { topicHub } from "./problems/topic-hub.js";

/**
 * Validates a design problem (e.g. one line of a data file). Throws
 * InvalidDesignProblemError naming every field that is wrong.
 */
export function parseDesignProblem(value: unknown, where = "design problem"): DesignProblem {
  const r = DesignProblemSchema.safeParse(value);
  if (!r.success) {
    throw new InvalidDesignProblemError(`${where} is invalid: ${z.prettifyError(r.error).replace(/\n/g, "; ")}`);
  }
  return r.data;
}

/** Every reference problem, validated once when this module loads (an authoring mistake fails fast). */
export const DESIGN_PROBLEMS: readonly DesignProblem[] = Object.freeze(
  [
    queryCache,
    rateLimiter,
    metricsFlusher,
    scraperJobs,
    reportTasks,
    connectionPool,
    shopBackend,
    gameSession,
    ingestPipeline,
    sensorEscalation,
    platformIsolation,
    chatRooms,
    topicHub,
  ].map((p) => parseDesignProblem(p, `design problem "${p.id}"`)),
);

/** The reference problem with this id; the error lists the known ids. */
export function designProblem(id: string): DesignProblem {
  const p = DESIGN_PROBLEMS.find((q) => q.id === id);
  if (!p) {
    throw new InvalidDesignProblemError(`unknown design problem "${id}"; known: ${DESIGN_PROBLEMS.map((q) => q.id).join(", ")}`);
  }
  return p;
}
