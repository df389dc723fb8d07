// The benchmarks `otpforge bench <name>` runs. Each module adds itself here.
import type { CliIO } from "../verb.js";
import { beamBench } from "./beam.js";
import { compileBench } from "./compile.js";
import { tracesBench } from "./traces.js";
import { exploreBench } from "./explore.js";
import { designBench } from "./design.js";

export interface Benchmark {
  name: string;
  /** One line for `otpforge bench --help`. */
  summary: string;
  /** Usage with options and an "Examples:" section. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

export const benchmarks: Benchmark[] = [beamBench, tracesBench, compileBench, exploreBench, designBench];
