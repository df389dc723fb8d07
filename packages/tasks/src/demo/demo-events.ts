// What the demo tells its caller as it goes, step by step: the data to print
// (tables, paths, scores), never text, so the command line decides how it looks.
import type { TraceDatasetResult } from "@otpforge/datasets";
import type { CatalogReport } from "@otpforge/metrics";
import type { ExploredScenario } from "./demo-scenarios.js";
import type { ModelStepsResult } from "./model-steps.js";
import type { DemoProgress } from "./demo-progress.js";

export type DemoEvent =
  | { kind: "dataset-start"; n: number; runs: number }
  | { kind: "dataset-done"; path: string; stats: TraceDatasetResult["stats"] }
  | { kind: "catalog-start"; runs: number }
  | { kind: "catalog-done"; report: CatalogReport }
  | { kind: "explore-start" }
  | ({ kind: "explored" } & ExploredScenario)
  /** No model is configured: compiling, evaluating, publishing and the report are skipped. */
  | { kind: "no-model" }
  | { kind: "compile-start"; lm: string }
  | { kind: "eval-start"; examples: number }
  | { kind: "model-done"; result: ModelStepsResult };

export interface DemoHooks {
  onEvent?: (event: DemoEvent) => void;
  /** Progress bars of the long steps (default none). */
  progress?: DemoProgress;
}
