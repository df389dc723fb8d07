// The main job, as `npm run demo` runs it: offline, a verified trace dataset,
// the verified reference catalog and two explored counters; with a model
// (OTPFORGE_LM), compile, evaluate, publish and report. Every step reports to
// the caller's hooks; nothing here prints.
import { join } from "node:path";
import { lmFromEnv, type LM } from "@otpforge/core";
import { createPool } from "@otpforge/beam";
import { tracePreload } from "@otpforge/datasets";
import { verifyCatalog } from "@otpforge/metrics";
import { buildDemoDataset } from "./demo-dataset.js";
import { exploreDemoScenarios, type ExploreStepResult } from "./demo-scenarios.js";
import { runModelSteps } from "./model-steps.js";
import { noProgress } from "./demo-progress.js";
import type { DemoHooks } from "./demo-events.js";

export interface DemoOptions {
  /** Trace examples to build. */
  n: number;
  runs: number;
  catalogRuns: number;
  /** Test (and dev) examples the model steps use at most. */
  evalN: number;
  seed: number;
  /** The folder out/, artifacts/ and reports/ go into. */
  cwd: string;
  /** Where OTPFORGE_LM (and the provider's key) is read from. */
  env: NodeJS.ProcessEnv;
}

export interface DemoSummary {
  dataset: { path: string; examples: number; stats: unknown };
  catalog: { ok: boolean; runs: number; entries: number; unexpected: string[] };
  explore: ExploreStepResult[];
  model: null | { lm: string; zeroShot: number; compiled: number; artifact: string; report: string };
}

/** Runs the demo; `ok` is false when a catalog verdict or an explored outcome set is not the expected one. */
export async function runDemo(o: DemoOptions, hooks: DemoHooks = {}): Promise<{ summary: DemoSummary; ok: boolean }> {
  const io = { onEvent: hooks.onEvent ?? (() => {}), progress: hooks.progress ?? noProgress };
  // Resolve the model before the long offline steps, so a bad OTPFORGE_LM fails fast.
  const lm: LM | undefined = lmFromEnv({ env: o.env });
  const outDir = join(o.cwd, "out", "demo");
  // The trace dataset's world jobs find the observer preloaded instead of carrying it.
  const pool = await createPool({ preload: [tracePreload()] });
  try {
    io.onEvent({ kind: "dataset-start", n: o.n, runs: o.runs });
    const data = await buildDemoDataset(pool, { n: o.n, runs: o.runs, seed: "demo", outDir }, io.progress);
    io.onEvent({ kind: "dataset-done", path: data.path, stats: data.stats });

    io.onEvent({ kind: "catalog-start", runs: o.catalogRuns });
    let bar: ReturnType<typeof io.progress> | undefined;
    const catalog = await verifyCatalog(undefined, {
      pool,
      runs: o.catalogRuns,
      onEntry: (_check, done, total) => {
        bar ??= io.progress("catalog entries", total);
        bar.update(done);
      },
    });
    bar?.finish();
    io.onEvent({ kind: "catalog-done", report: catalog });

    io.onEvent({ kind: "explore-start" });
    const explored = await exploreDemoScenarios(pool, (e) => io.onEvent({ kind: "explored", ...e }));

    const summary: DemoSummary = {
      dataset: { path: data.path, examples: data.examples.length, stats: data.stats },
      catalog: { ok: catalog.ok, runs: catalog.runs, entries: catalog.entries.length, unexpected: catalog.unexpected },
      explore: explored,
      model: null,
    };
    if (!lm) {
      io.onEvent({ kind: "no-model" });
    } else {
      const m = await runModelSteps(
        {
          lm,
          examples: data.examples,
          dataDir: outDir,
          artifactsDir: join(o.cwd, "artifacts"),
          reportPath: join(o.cwd, "reports", "demo.html"),
          seed: o.seed,
          evalN: o.evalN,
        },
        io,
      );
      io.onEvent({ kind: "model-done", result: m });
      summary.model = {
        lm: lm.id,
        zeroShot: m.zeroShot.score,
        compiled: m.compiled.score,
        artifact: m.published.path,
        report: m.reportPath,
      };
    }
    return { summary, ok: catalog.ok && explored.every((e) => e.asExpected) };
  } finally {
    await pool.close();
  }
}
