// The measuring of `otpforge bench compile`: otpforge's BootstrapFewShot against Ax's
// AxBootstrapFewShot on the same fake OpenAI-compatible server, data and
// metric. Rows at concurrency 1 and N for otpforge, and Ax as it runs (its
// bootstrap has no concurrency), each with the teacher Ax uses (every other
// trainset example as a demo) and otpforge's own default teacher. The server
// charges each call a base latency plus a cost per prompt token, and counts
// calls, prompt tokens and demos per call itself, the same way for both.
// otpforge gets the trainset in the order Ax visited it, so the systems try
// the same examples and a difference is the cost of a call, not of a draw.
import { readFileSync } from "node:fs";
import os from "node:os";
import {
  evaluate,
  example,
  lm,
  rng,
  Module,
  OtpforgeError,
  Predict,
  signature,
  withSettings,
  type Example,
  type LM,
  type Metric,
} from "@otpforge/core";
import { BootstrapFewShot } from "../optimizers/bootstrap-few-shot.js";
import type { CallRecord, LatencyModel } from "./compile-server.js";

// The Ax version the comparison was written against: this package's optional peer.
const AX_VERSION = "24.0.21";
const DEMOS = 4;
const VALSET = 16;

const WORDS = [
  "amber",
  "basil",
  "cedar",
  "delta",
  "ember",
  "fable",
  "gecko",
  "hazel",
  "igloo",
  "jumbo",
  "koala",
  "lemon",
  "mango",
  "noble",
  "olive",
  "pecan",
  "quail",
  "raven",
  "sable",
  "tango",
  "ultra",
  "vigor",
  "waltz",
  "xenon",
  "yacht",
  "zebra",
  "acorn",
  "bison",
  "coral",
  "dingo",
  "eagle",
  "flint",
  "grove",
  "heron",
  "ivory",
  "jelly",
  "kayak",
  "llama",
  "maple",
  "nylon",
  "otter",
  "panda",
  "quilt",
  "robin",
  "salsa",
  "tulip",
  "umber",
  "viola",
  "walnut",
  "yarrow",
  "zinnia",
  "almond",
  "beacon",
  "canyon",
  "dahlia",
  "falcon",
  "garnet",
  "harbor",
  "indigo",
  "jasper",
  "kernel",
  "lagoon",
];
/** Largest trainset: the valset takes the next VALSET words. */
const MAX_TRAINSET = WORDS.length - VALSET;

/** The fixed setup, for a caller's help text and bounds. */
export const COMPILE_BENCH_SETUP = { axVersion: AX_VERSION, demos: DEMOS, valset: VALSET, maxTrainset: MAX_TRAINSET } as const;

const Spell = signature("question: string -> answer: string", { name: "Spell", instructions: "Spell the word in capitals." });

class SpellProgram extends Module {
  answer = new Predict(Spell);
  async forward(inputs: { question: string }) {
    return this.answer.forward(inputs);
  }
}

const metric: Metric = (ex, prediction) => prediction.outputs.answer === ex.data.answer;

export interface Stats {
  median: number;
  min: number;
  max: number;
}

/** One way of compiling, over all repeats. */
export interface CompileBenchRow {
  id: "otpforge-c1-same-teacher" | "otpforge-cN-same-teacher" | "otpforge-c1-default-teacher" | "otpforge-cN-default-teacher" | "ax";
  system: string;
  /** "1", "8", or for Ax "sequential (no knob)". */
  concurrency: string;
  /** How the teacher's demos were chosen, in words. */
  teacher: string;
  /** Demos in each compile call's prompt, counted by the server, over all calls of all repeats. */
  teacherDemos: { min: number; max: number };
  wallMs: Stats;
  lmCalls: Stats;
  /** Prompt tokens of all the compile's calls together (server-side count). */
  promptTokens: Stats;
  /** The sum of the latencies the server charged the compile's calls. */
  lmMs: Stats;
  /**
   * Sequential rows only (null otherwise): (wall time − charged LM time) / calls,
   * the time per call spent outside the server — client code, HTTP, timers,
   * the optimizer itself. Concurrent calls overlap, so there it means nothing.
   */
  outsideMsPerCall: Stats | null;
  /** Means over repeats, for the decomposition in the headline (medians do not add up). */
  mean: { wallMs: number; lmCalls: number; promptTokens: number; lmMs: number };
  /** Demos in the compiled program (fewest over repeats). */
  demosKept: number;
  /** Every repeat's val score (0..100), in repeat order. */
  valScores: number[];
  /** Every repeat's own figures, in repeat order, for a reader who wants more than medians. */
  perRepeat: Array<{ wallMs: number; lmCalls: number; promptTokens: number; lmMs: number }>;
}

export interface CompileBenchResult {
  machine: string;
  /** 1-minute load average at the start and at the end. */
  loadAverage: { start: number; end: number };
  latency: LatencyModel;
  trainset: number;
  valset: number;
  demos: number;
  concurrency: number;
  repeat: number;
  rows: CompileBenchRow[];
  headline: CompileBenchHeadline;
}

export interface CompileBenchHeadline {
  /** Whether every compile of every row scored the same on the valset; only then is "time to the same score" each row's wall time. */
  sameValScore: boolean;
  valScore: number | null;
  /** Median wall times divided, same teacher demos on both sides. */
  axOverOtpforgeCN: number;
  axOverOtpforgeC1: number;
  /** Each as it comes: Ax over otpforge with its default teacher at concurrency N. */
  axOverOtpforgeDefaultCN: number;
  /** otpforge, same teacher: concurrency 1 over concurrency N. */
  parallelism: number;
  /** otpforge at concurrency 1: Ax's teacher over otpforge's default teacher. */
  teacherPrompt: number;
  /**
   * Ax minus otpforge at concurrency 1, same teacher, per repeat (the repeats
   * are paired: same known words, same examples in the same order), as the
   * median of each difference. Both are sequential, so a compile's wall time
   * is its calls × base + its prompt tokens × per-token cost (what the server
   * charged) + time outside the server; medians of the parts need not add up
   * to the median of the whole. Medians, because one repeat hit by another
   * job's load spike would move a mean by seconds.
   */
  sequentialGap: { wallMs: number; fromCallsMs: number; fromPromptTokensMs: number; outsideMs: number };
}

interface Sample {
  wallMs: number;
  calls: CallRecord[];
  demosKept: number;
  valScore: number;
}

export interface CompileBenchOptions {
  latencyMs?: number;
  usPerPromptToken?: number;
  trainset?: number;
  concurrency?: number;
  repeat?: number;
}

export async function runCompileBench(options: CompileBenchOptions = {}): Promise<CompileBenchResult> {
  const latency: LatencyModel = { baseMs: options.latencyMs ?? 200, usPerPromptToken: options.usPerPromptToken ?? 250 };
  const nTrain = options.trainset ?? 32;
  const concurrency = options.concurrency ?? 8;
  const repeat = options.repeat ?? 5;
  if (nTrain > MAX_TRAINSET) throw new RangeError(`trainset must be at most ${MAX_TRAINSET}, got ${nTrain}`);
  const loadStart = os.loadavg()[0]!;

  const words = WORDS.slice(0, nTrain);
  const valWords = WORDS.slice(nTrain, nTrain + VALSET);
  const record = (w: string) => ({ question: `spell ${w}`, answer: w.toUpperCase() });
  const valset: Example[] = valWords.map((w) => example(record(w)).withInputs("question"));

  // Ax is an optional peer dependency: only this benchmark (and ax/ models) need it.
  const { ai, ax, AxBootstrapFewShot } = await import("@ax-llm/ax").catch((err: unknown) => {
    throw new OtpforgeError(
      "MISSING_DEPENDENCY",
      `bench compile compares with Ax and needs @ax-llm/ax, an optional peer dependency: install it (npm install @ax-llm/ax@${AX_VERSION}). ${(err as Error).message}`,
      { category: "input", cause: err },
    );
  });
  // Loaded here, not with the package: only this benchmark needs a fake server (@otpforge/core/testing).
  const { SpellerServer } = await import("./compile-server.js");
  const speller = await SpellerServer.start(latency);
  try {
    // otpforge: the real openai SDK client, cache off so every call reaches the
    // server; one client per concurrency so maxInFlight never caps a row below its concurrency.
    const models = new Map<number, LM>(
      [1, concurrency].map((c) => [
        c,
        lm("openai/bench-model", { baseURL: speller.openaiBaseURL, apiKey: "sk-bench", cache: false, maxInFlight: c }),
      ]),
    );
    // Ax: its own client (ai()) to the same server.
    const axAI = ai({
      name: "openai",
      apiKey: "sk-bench",
      apiURL: speller.openaiBaseURL,
      config: { model: "bench-model", stream: false },
    } as never);

    // One uncharged call through each stack first, so no timing includes loading SDK modules.
    speller.charging = false;
    for (const model of models.values()) await withSettings({ lm: model }, () => new SpellProgram().forward({ question: "spell warmup" }));
    await ax("question:string -> answer:string").forward(axAI as never, { question: "spell warmup" });
    await speller.take();

    /**
     * Ax's teacher, given to otpforge: Ax always primes its teacher with every
     * trainset example but the one being run (maxDemos and maxExamples do not
     * limit it), so otpforge gets a teacher holding the whole trainset; its
     * bootstrap removes the example being run, as Ax does, leaving n - 1.
     */
    const axLikeTeacher = (order: readonly string[]): SpellProgram => {
      const teacher = new SpellProgram();
      teacher.answer.demos = order.map(record);
      return teacher;
    };

    const runOtpforge =
      (c: number, sameTeacher: boolean) =>
      async (r: number, order: readonly string[]): Promise<Sample> => {
        const model = models.get(c)!;
        const trainset: Example[] = order.map((w) => example(record(w)).withInputs("question"));
        speller.charging = true;
        const started = performance.now();
        const compiled = await new BootstrapFewShot({ metric, maxBootstrappedDemos: DEMOS, maxLabeledDemos: DEMOS }).compile(
          new SpellProgram(),
          {
            trainset,
            lm: model,
            concurrency: c,
            seed: r,
            ...(sameTeacher ? { teacher: axLikeTeacher(order) } : {}),
          },
        );
        const wallMs = performance.now() - started;
        const calls = await speller.take();
        speller.charging = false;
        const val = await withSettings({ lm: model }, () =>
          evaluate(compiled.program, valset, metric, { concurrency: 8, progress: false }),
        );
        await speller.take();
        return { wallMs, calls, demosKept: compiled.program.answer.demos.length, valScore: val.score };
      };

    const runAx = async (): Promise<Sample> => {
      const program = ax("question:string -> answer:string");
      // maxRounds 1: one pass over the examples, as otpforge's maxRounds 1; maxExamples: all of them may be tried.
      const optimizer = new AxBootstrapFewShot({
        studentAI: axAI,
        options: { maxDemos: DEMOS, maxRounds: 1, maxExamples: nTrain, verboseMode: false },
      } as never);
      speller.charging = true;
      const started = performance.now();
      const result = await optimizer.compile(
        program as never,
        words.map(record) as never,
        (({ prediction, example: ex }: { prediction: { answer?: string }; example: { answer: string } }) =>
          prediction.answer === ex.answer ? 1 : 0) as never,
      );
      const wallMs = performance.now() - started;
      const calls = await speller.take();
      speller.charging = false;
      program.setDemos(result.demos as never);
      const answers = await Promise.all(
        valWords.map((w) => program.forward(axAI as never, { question: `spell ${w}` }) as Promise<{ answer?: string }>),
      );
      await speller.take();
      const right = answers.filter((a, i) => a.answer === valWords[i]!.toUpperCase()).length;
      const demosKept = (result.demos ?? []).reduce((n, d) => n + (d as { traces: unknown[] }).traces.length, 0);
      return { wallMs, calls, demosKept, valScore: (100 * right) / valWords.length };
    };

    const defaultTeacher = `otpforge default: ${DEMOS} labeled (maxLabeledDemos ${DEMOS}), minus the example run`;
    const sameTeacher = `as Ax: the trainset minus the example run`;
    const ways: Array<{
      row: Omit<
        CompileBenchRow,
        | "teacherDemos"
        | "wallMs"
        | "lmCalls"
        | "promptTokens"
        | "lmMs"
        | "outsideMsPerCall"
        | "mean"
        | "demosKept"
        | "valScores"
        | "perRepeat"
      >;
      run: (r: number, order: readonly string[]) => Promise<Sample>;
    }> = [
      {
        row: { id: "otpforge-c1-same-teacher", system: "otpforge BootstrapFewShot", concurrency: "1", teacher: sameTeacher },
        run: runOtpforge(1, true),
      },
      {
        row: {
          id: "otpforge-cN-same-teacher",
          system: "otpforge BootstrapFewShot",
          concurrency: String(concurrency),
          teacher: sameTeacher,
        },
        run: runOtpforge(concurrency, true),
      },
      // AxBootstrapFewShot has batchSize, but runs each batch's examples one after another: no concurrency to set.
      {
        row: {
          id: "ax",
          system: `Ax AxBootstrapFewShot ${AX_VERSION}`,
          concurrency: "sequential (no knob)",
          teacher: "Ax's own: the trainset minus the example run",
        },
        run: () => runAx(),
      },
      {
        row: { id: "otpforge-c1-default-teacher", system: "otpforge BootstrapFewShot", concurrency: "1", teacher: defaultTeacher },
        run: runOtpforge(1, false),
      },
      {
        row: {
          id: "otpforge-cN-default-teacher",
          system: "otpforge BootstrapFewShot",
          concurrency: String(concurrency),
          teacher: defaultTeacher,
        },
        run: runOtpforge(concurrency, false),
      },
    ];

    const samples: Sample[][] = ways.map(() => []);
    const axIndex = ways.findIndex((w) => w.row.id === "ax");
    const ours = ways.map((_, i) => i).filter((i) => i !== axIndex);
    for (let r = 0; r < repeat; r++) {
      // A fresh quarter of the words per repeat, the same for every row within
      // it, so the number of tries before the fourth demo varies as it would
      // over real trainsets rather than being one sample's accident.
      const pick = rng(`spell:${r}`);
      speller.known = new Set([
        ...pick.fork("train").sample(words, Math.floor(words.length / 4)),
        ...pick.fork("val").sample(valWords, Math.floor(valWords.length / 4)),
      ]);
      // Ax first: it visits the examples in an order drawn from Math.random,
      // which it does not let anyone seed. otpforge visits its trainset in the
      // order given, so it gets the trainset in the order Ax visited it (the
      // server saw which word each call asked), the rest after. At concurrency 1
      // both then try the same examples in the same order and need the same
      // calls: what differs is the cost of a call, not the luck of the draw.
      const axSample = await ways[axIndex]!.run(r, words);
      samples[axIndex]!.push(axSample);
      const visited = [...new Set(axSample.calls.map((c) => c.word))];
      const order = [...visited, ...words.filter((w) => !visited.includes(w))];
      // Rotate otpforge's rows per repeat, so a change in machine load does not always hit the same row.
      for (let k = 0; k < ours.length; k++) {
        const w = ours[(k + r) % ours.length]!;
        samples[w]!.push(await ways[w]!.run(r, order));
      }
    }

    const rows = ways.map((w, i) => summarize(w.row, samples[i]!));
    return {
      machine: machineDescription(),
      loadAverage: { start: round2(loadStart), end: round2(os.loadavg()[0]!) },
      latency,
      trainset: nTrain,
      valset: valWords.length,
      demos: DEMOS,
      concurrency,
      repeat,
      rows,
      headline: headlineOf(rows, latency),
    };
  } finally {
    await speller.close();
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function machineDescription(): string {
  let distro = os.type();
  try {
    distro = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? distro;
  } catch {
    // Not Linux, or no os-release: the kernel name will do.
  }
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), ${distro} (${os.type()} ${os.release()}), Node ${process.versions.node}`;
}

function stats(xs: number[]): Stats {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function summarize(row: Pick<CompileBenchRow, "id" | "system" | "concurrency" | "teacher">, samples: Sample[]): CompileBenchRow {
  const demosPerCall = samples.flatMap((s) => s.calls.map((c) => c.demos));
  const calls = samples.map((s) => s.calls.length);
  const tokens = samples.map((s) => sum(s.calls.map((c) => c.promptTokens)));
  const lmMs = samples.map((s) => sum(s.calls.map((c) => c.latencyMs)));
  const wall = samples.map((s) => s.wallMs);
  return {
    ...row,
    teacherDemos: { min: Math.min(...demosPerCall), max: Math.max(...demosPerCall) },
    wallMs: stats(wall),
    lmCalls: stats(calls),
    promptTokens: stats(tokens),
    lmMs: stats(lmMs),
    outsideMsPerCall: row.concurrency === "1" || row.id === "ax" ? stats(samples.map((_, i) => (wall[i]! - lmMs[i]!) / calls[i]!)) : null,
    mean: { wallMs: mean(wall), lmCalls: mean(calls), promptTokens: mean(tokens), lmMs: mean(lmMs) },
    demosKept: Math.min(...samples.map((s) => s.demosKept)),
    valScores: samples.map((s) => s.valScore),
    perRepeat: samples.map((_, i) => ({ wallMs: wall[i]!, lmCalls: calls[i]!, promptTokens: tokens[i]!, lmMs: lmMs[i]! })),
  };
}

function headlineOf(rows: CompileBenchRow[], latency: LatencyModel): CompileBenchHeadline {
  const byId = (id: CompileBenchRow["id"]) => rows.find((r) => r.id === id)!;
  const c1 = byId("otpforge-c1-same-teacher");
  const cN = byId("otpforge-cN-same-teacher");
  const c1Default = byId("otpforge-c1-default-teacher");
  const axRow = byId("ax");
  const scores = new Set(rows.flatMap((r) => r.valScores));
  const paired = (f: (ax: CompileBenchRow["perRepeat"][number], ours: CompileBenchRow["perRepeat"][number]) => number) =>
    stats(axRow.perRepeat.map((a, i) => f(a, c1.perRepeat[i]!))).median;
  return {
    sameValScore: scores.size === 1,
    valScore: scores.size === 1 ? [...scores][0]! : null,
    axOverOtpforgeCN: axRow.wallMs.median / cN.wallMs.median,
    axOverOtpforgeC1: axRow.wallMs.median / c1.wallMs.median,
    axOverOtpforgeDefaultCN: axRow.wallMs.median / byId("otpforge-cN-default-teacher").wallMs.median,
    parallelism: c1.wallMs.median / cN.wallMs.median,
    teacherPrompt: c1.wallMs.median / c1Default.wallMs.median,
    sequentialGap: {
      wallMs: paired((a, o) => a.wallMs - o.wallMs),
      fromCallsMs: paired((a, o) => (a.lmCalls - o.lmCalls) * latency.baseMs),
      fromPromptTokensMs: paired((a, o) => ((a.promptTokens - o.promptTokens) * latency.usPerPromptToken) / 1000),
      // What neither the calls nor the tokens account for is spent outside the server.
      outsideMs: paired((a, o) => a.wallMs - a.lmMs - (o.wallMs - o.lmMs)),
    },
  };
}
