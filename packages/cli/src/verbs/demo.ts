// `otpforge demo`: the main job, as `npm run demo` runs it. The pipeline is
// @otpforge/tasks' runDemo; this verb parses the options, prints each step
// (print-demo.ts) with progress bars on a terminal, and picks the exit code.
import { LMConfigError, ProgressBar } from "@otpforge/core";
import { DemoDataError, runDemo } from "@otpforge/tasks";
import { intOption, parseVerbArgs } from "../args.js";
import { demoPrinter } from "../demo/print-demo.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type Verb } from "../verb.js";

export const demo: Verb = {
  name: "demo",
  summary: "the main job: a verified trace dataset, the verified catalog; with a model, compile, evaluate, publish, report",
  help: `Usage: otpforge demo [--n N] [--runs R] [--catalog-runs K] [--eval-n M] [--seed S] [--json]

Offline (no model needed):
  1. builds N execution-verified trace examples into out/demo/: half from
     sequential worlds (each explored over every interleaving, kept only when
     proved deterministic), half from concurrent worlds (several clients at
     once, answered with every possible outcome); R seeds the replay scripts
  2. verifies every bug/fix pair and false friend of the reference catalog (K runs per side)
With OTPFORGE_LM set (e.g. openai/gpt-5-mini), then:
  3. compiles the trace predictor with BootstrapFewShot on the train split
  4. evaluates zero-shot and compiled programs on up to M test examples
  5. publishes the artifact under artifacts/ and writes reports/demo.html

Defaults: N=300 (or OTPFORGE_DEMO_N), R=5, K=3 (or OTPFORGE_DEMO_CATALOG_RUNS), M=50. Exit 1 when a catalog verdict is unexpected.

Examples:
  otpforge demo
  OTPFORGE_DEMO_N=60 otpforge demo --json
  OTPFORGE_LM=openai/gpt-5-mini otpforge demo --eval-n 100`,
  async run(argv, io) {
    const { values } = parseVerbArgs(
      "demo",
      argv,
      {
        n: { type: "string" },
        runs: { type: "string" },
        "catalog-runs": { type: "string" },
        "eval-n": { type: "string" },
        seed: { type: "string" },
      },
      false,
    );
    const n = intOption(values.n ?? io.env.OTPFORGE_DEMO_N, "n", 300);
    const json = Boolean(values.json);
    const run = runDemo(
      {
        n,
        runs: intOption(values.runs, "runs", 5),
        catalogRuns: intOption(values["catalog-runs"] ?? io.env.OTPFORGE_DEMO_CATALOG_RUNS, "catalog-runs", 3),
        evalN: intOption(values["eval-n"], "eval-n", 50),
        seed: intOption(values.seed, "seed", 0, 0),
        cwd: io.cwd,
        env: io.env,
      },
      {
        ...(json ? {} : { onEvent: demoPrinter(io.stdout, io.cwd) }),
        progress: (label, total) => new ProgressBar({ total, label, enabled: io.isTTY && !json }),
      },
    ).catch((err: unknown) => {
      // A bad OTPFORGE_LM (unknown provider, missing key) or too small a dataset is bad input: exit 2.
      if (err instanceof LMConfigError || err instanceof DemoDataError) throw new UsageError(err.message);
      throw err;
    });
    const { summary, ok } = await run;
    if (json) io.stdout(JSON.stringify(summary) + "\n");
    return ok ? EXIT_OK : EXIT_FAILURE;
  },
};
