// Compile a program of your own: a custom signature, a two-step module and a
// metric, tuned with BootstrapFewShot on a few labelled examples and saved as
// a compiled-program artifact (artifact.json + rendered prompts).
//
// The task: given the callbacks of a GenServer, does a client calling
// `GenServer.call(server, :work, 1000)` get its reply in time, or exit with
// :timeout? Run it with
//   OTPFORGE_LM=openai/gpt-5-mini pnpm --filter @otpforge/example-compile-a-program start
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  ChainOfThought,
  LMConfigError,
  noModelMessage,
  Module,
  Predict,
  evaluate,
  lm as makeLM,
  signature,
  withSettings,
  type Example,
  type LM,
  type Prediction,
} from "@otpforge/core";
import { BootstrapFewShot, renderPrompts, writeArtifactDir } from "@otpforge/teleprompters";
import { TRAIN_SNIPPETS, VAL_SNIPPETS, toExamples, type Outcome } from "./snippets.js";

// 1. Signatures: typed fields whose descriptions become part of the prompt.
// Step one makes the model follow the reply (who sends it, when); step two
// turns that account into a verdict. Splitting them lets the optimizer show
// the model worked examples of *both* steps.
const FollowTheReply = signature({
  name: "FollowTheReply",
  instructions:
    "A client calls this GenServer with GenServer.call(server, :work, 1000). Follow the :work request through the callbacks: " +
    "who sends the reply to the caller, and how long after the call, or why no reply is ever sent.",
  inputs: {
    snippet: z.string().describe("Elixir: the callbacks of a `use GenServer` module that handle the :work call"),
  },
  outputs: {
    reply_path: z.string().describe("one sentence: which process replies to the caller and after how many ms, or why nobody does"),
  },
});

const CallOutcome = signature({
  name: "CallOutcome",
  instructions:
    "Decide what the caller of GenServer.call(server, :work, 1000) experiences. The call exits with :timeout when no reply arrives within 1000 ms.",
  inputs: {
    snippet: z.string().describe("Elixir: the callbacks of a `use GenServer` module that handle the :work call"),
    reply_path: z.string().describe("how the reply reaches the caller, from the previous step"),
  },
  outputs: {
    outcome: z.enum(["reply", "timeout"]).describe("reply: an answer arrives within 1000 ms; timeout: the call exits with :timeout"),
  },
});

// 2. A module: predictors live in ordinary fields, so optimizers can find them
// by name ("follow", "decide") and give each its own demos.
export class CallTimeoutClassifier extends Module {
  follow = new ChainOfThought(FollowTheReply); // writes `reasoning` before `reply_path`
  decide = new Predict(CallOutcome);

  async forward(input: { snippet: string }) {
    const followed = await this.follow.forward(input);
    return this.decide.forward({ snippet: input.snippet, reply_path: followed.outputs.reply_path });
  }
}

// 3. A metric: 1 when the predicted outcome is the labelled one. The feedback
// string shows up in evaluation records and reports.
export function outcomeMatches(example: Example, prediction: Prediction<{ outcome: Outcome }>) {
  const expected = example.data.outcome as Outcome;
  const got = prediction.outputs.outcome;
  return { score: got === expected ? 1 : 0, feedback: got === expected ? "correct" : `predicted ${got}, the BEAM says ${expected}` };
}

export interface CompileExampleOptions {
  /** provider/model, e.g. "openai/gpt-5-mini"; default: the OTPFORGE_LM variable. */
  lm?: string;
  /** Where the artifact directory goes. Default: out/compile-a-program under the current directory. */
  out?: string;
  seed?: number;
  log?: (line: string) => void;
}

export interface CompileExampleResult {
  /** Mean metric on the valset, 0..100, before and after compiling. */
  before: number;
  after: number;
  artifactPath: string;
  promptsDir: string;
  program: CallTimeoutClassifier;
}

/** Thrown when no model is given: the CLI prints its message and exits 2. */
export class NoModelError extends Error {
  constructor() {
    // The same message as everywhere else in otpforge (noModelMessage in @otpforge/core).
    super(noModelMessage());
    this.name = "NoModelError";
  }
}

export async function main(options: CompileExampleOptions = {}): Promise<CompileExampleResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const spec = options.lm ?? process.env.OTPFORGE_LM;
  if (!spec) throw new NoModelError();
  // Keys come from the provider's usual variable (OPENAI_API_KEY, ...), never from code.
  const model: LM = makeLM(spec);
  const trainset = toExamples(TRAIN_SNIPPETS);
  const valset = toExamples(VAL_SNIPPETS);

  const student = new CallTimeoutClassifier();
  const before = await withSettings({ lm: model }, () => evaluate(student, valset, outcomeMatches, { progress: false }));
  log(`zero-shot on ${valset.length} validation snippets: ${before.score.toFixed(1)}%`);

  // BootstrapFewShot runs a teacher over the trainset and keeps the runs that
  // pass the metric as demos: each step gets a worked example of its own part.
  const optimizer = new BootstrapFewShot({ metric: outcomeMatches, metricThreshold: 1, maxBootstrappedDemos: 3, maxLabeledDemos: 3 });
  const { program, artifact } = await optimizer.compile(student, {
    trainset,
    lm: model,
    seed: options.seed ?? 0,
    name: "call-timeout-classifier",
    budget: { maxLMCalls: 200 }, // a guard against surprises on a paid API
  });

  const after = await withSettings({ lm: model }, () => evaluate(program, valset, outcomeMatches, { progress: false }));
  log(`compiled on the same snippets: ${after.score.toFixed(1)}%`);
  const boot = artifact.scores.bootstrap;
  if (boot) log(`  ${boot.passed} of ${boot.attempted} teacher runs passed the metric and became demos`);
  for (const [name, predictor] of program.namedPredictors()) log(`  ${name}: ${predictor.demos.length} demos`);

  // The artifact holds signatures, instructions and demos (never keys);
  // prompts/<predictor>.json are the tuned prompts for use from other languages.
  const out = resolve(options.out ?? "out/compile-a-program");
  const prompts = renderPrompts(program);
  const artifactPath = await writeArtifactDir(out, artifact, prompts);
  log(`saved ${artifactPath} and ${Object.keys(prompts).length} prompts in ${resolve(out, "prompts")}`);
  return { before: before.score, after: after.score, artifactPath, promptsDir: resolve(out, "prompts"), program };
}

// Run from the command line (importing this file, as the test does, runs nothing).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  Promise.resolve()
    .then(() => {
      const { values } = parseArgs({ options: { lm: { type: "string" }, out: { type: "string" } } });
      return main({ ...(values.lm ? { lm: values.lm } : {}), ...(values.out ? { out: values.out } : {}) });
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      // 2: the command was used wrongly (no model, a bad model spec or key, a bad flag); 1: the work failed.
      const usage =
        err instanceof NoModelError ||
        err instanceof LMConfigError ||
        String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
      process.exitCode = usage ? 2 : 1;
    });
}
