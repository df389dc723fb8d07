// The system-design task: SystemDesignProgram answers a design problem; its
// skeleton is compiled, started, inspected and faulted on the BEAM, one point
// per requirement. Only designs that meet every requirement become demos.
import { designExamples, DESIGN_PROBLEMS, SystemDesignProgram, type DesignProblem } from "@otpforge/otp-signatures";
import { designMetric, designProbePreload, evalDesign, readDesignProblems, type DesignMetric } from "@otpforge/metrics";
import { evalRunOptions, lazyPool, type OtpTask, type TaskOptions } from "./task.js";

export function designTask(options: TaskOptions = {}): OtpTask<SystemDesignProgram, DesignProblem> {
  const pool = lazyPool(options.pool, [designProbePreload()]);
  let metric: DesignMetric | undefined;
  const readRecords = (source: string): DesignProblem[] => (source === "reference" ? [...DESIGN_PROBLEMS] : readDesignProblems(source));
  const toExample = (p: DesignProblem) => designExamples([p])[0]!;
  return {
    name: "design",
    summary: "SystemDesignProgram; the skeleton is compiled, started, inspected and faulted on the BEAM, one point per requirement",
    dataHelp: "design problems (JSONL, as `otpforge eval design` reads them), or `reference` for the built-in problems",
    builtinData: "reference",
    description: "SystemDesign: problem_description -> otp_architecture, code_skeleton, graded by fault injection",
    program: () => new SystemDesignProgram(),
    metric: async (ex, prediction) => (metric ??= designMetric({ pool: await pool.get() }))(ex, prediction),
    metricThreshold: 1,
    readRecords,
    toExample,
    loadExamples: (source) => readRecords(source).map(toExample) as never,
    evaluate: async (program, problems, o = {}) =>
      evalDesign(program, problems, {
        pool: await pool.get(),
        ...evalRunOptions(o),
        ...(o.critic ? { critic: o.critic } : {}),
      }),
    close: pool.close,
  };
}
