// The main job, as `npm run demo` runs it: offline, a verified trace dataset
// and the verified reference catalog; with OTPFORGE_LM set, compile, evaluate,
// publish and report.
import { join, relative } from "node:path";
import { lmFromEnv, noModelMessage, type LM } from "@otpforge/core";
import { createPool } from "@otpforge/beam";
import { buildDemoDataset, catalogTable, datasetTable, verifyDemoCatalog, type DemoIO } from "./offline-steps.js";
import { exploreDemoScenarios, type ExploreStepResult } from "./explore-step.js";
import { runModelSteps, type ModelStepsResult } from "./model-steps.js";
import { textTable, pct } from "./table.js";

export interface DemoOptions {
  /** Trace examples to build. */
  n: number;
  runs: number;
  catalogRuns: number;
  /** Test (and dev) examples the model steps use at most. */
  evalN: number;
  seed: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface DemoSummary {
  dataset: { path: string; examples: number; stats: unknown };
  catalog: { ok: boolean; runs: number; entries: number; unexpected: string[] };
  explore: ExploreStepResult[];
  model: null | { lm: string; zeroShot: number; compiled: number; artifact: string; report: string };
}

export async function runDemo(o: DemoOptions, io: DemoIO): Promise<{ summary: DemoSummary; exitCode: number }> {
  // Resolve the model before the long offline steps, so a bad OTPFORGE_LM fails fast.
  const lm: LM | undefined = lmFromEnv({ env: o.env });
  const outDir = join(o.cwd, "out", "demo");
  const rel = (p: string) => relative(o.cwd, p) || p;
  const pool = await createPool();
  try {
    io.say(`1. Building ${o.n} execution-verified trace examples (each world run ${o.runs} times on the BEAM)...\n`);
    const data = await buildDemoDataset(pool, { n: o.n, runs: o.runs, seed: "demo", outDir }, io);
    io.say(datasetTable(data.stats));
    io.say(`   wrote ${rel(data.path)} (+ train/dev/test.jsonl, traces.stats.json)\n\n`);

    io.say(`2. Verifying the reference catalog of bug/fix pairs (${o.catalogRuns} runs per side)...\n`);
    const catalog = await verifyDemoCatalog(pool, o.catalogRuns, io);
    io.say(catalogTable(catalog));
    const valid = catalog.entries.filter((c) => c.verdict.verdict === "valid").length;
    io.say(`   ${valid} pairs valid, ${catalog.entries.length - valid} invalid; ${catalog.unexpected.length === 0 ? "every verdict as expected" : `UNEXPECTED: ${catalog.unexpected.join(", ")}`}\n`);

    io.say(`\n3. Exploring every interleaving of two counters on the BEAM (virtual time, each outcome with a witness)...\n`);
    const explored = await exploreDemoScenarios(pool, io);

    const summary: DemoSummary = {
      dataset: { path: data.path, examples: data.examples.length, stats: data.stats },
      catalog: { ok: catalog.ok, runs: catalog.runs, entries: catalog.entries.length, unexpected: catalog.unexpected },
      explore: explored,
      model: null,
    };
    if (!lm) {
      io.say(`\n${noModelMessage({ lmFlag: false })}.\nSo compiling, evaluating, publishing and the report were skipped: set one and rerun \`npm run demo\`.\n`);
    } else {
      const m: ModelStepsResult = await runModelSteps(
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
      io.say(
        "\n" +
          textTable(
            ["program", "test score", "examples"],
            [
              ["zero-shot", pct(m.zeroShot.score), m.zeroShot.n],
              ["compiled (BootstrapFewShot)", pct(m.compiled.score), m.compiled.n],
            ],
          ),
      );
      io.say(`   artifact: ${rel(m.published.path)} (${m.published.name}@${m.published.version})\n   report:   ${rel(m.reportPath)}\n`);
      summary.model = { lm: lm.id, zeroShot: m.zeroShot.score, compiled: m.compiled.score, artifact: m.published.path, report: m.reportPath };
    }
    return { summary, exitCode: catalog.ok && explored.every((e) => e.asExpected) ? 0 : 1 };
  } finally {
    await pool.close();
  }
}
