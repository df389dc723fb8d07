// `otpforge bench compile`: otpforge's BootstrapFewShot (concurrency 8) against
// Ax's AxBootstrapFewShot on the same fake OpenAI-compatible server (200 ms a
// call), the same data and the same metric, in one run. Reports wall time of
// each compile, the LM requests each sent, and each compiled program's score
// on a held-out valset.
import os from "node:os";
import { ai, ax, AxBootstrapFewShot } from "@ax-llm/ax";
import { evaluate, example, lm, rng, Module, Predict, signature, withSettings, type Example, type Metric } from "@otpforge/core";
import { FakeProviderServer, type FakeRequest } from "@otpforge/core/testing";
import { BootstrapFewShot } from "@otpforge/teleprompters";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_OK, type CliIO } from "../verb.js";

const WORDS = [
  "amber", "basil", "cedar", "delta", "ember", "fable", "gecko", "hazel", "igloo", "jumbo", "koala", "lemon", "mango", "noble", "olive", "pecan",
  "quail", "raven", "sable", "tango", "ultra", "vigor", "waltz", "xenon", "yacht", "zebra", "acorn", "bison", "coral", "dingo", "eagle", "flint",
  "grove", "heron", "ivory", "jelly", "kayak", "llama", "maple", "nylon", "otter", "panda", "quilt", "robin", "salsa", "tulip", "umber", "viola",
];

/**
 * The fake model knows a fixed quarter of the words (a seeded sample of the
 * trainset and of the valset) and spells exactly those right, whatever the
 * prompt holds. Bootstrapping therefore has to try about four examples per
 * accepted demo, and both compiled programs score what the model knows on the
 * valset: the benchmark measures the optimizers' orchestration, not luck.
 */
export function fakeSpeller(known: ReadonlySet<string>) {
  return (req: FakeRequest): string => {
    const last = req.messages.at(-1)!.content;
    const word = /spell (\w+)/.exec(last)?.[1] ?? "";
    const answer = known.has(word) ? word.toUpperCase() : word;
    // Answer in the format of whichever client asked: otpforge's chat adapter or Ax's "Field: value" lines.
    return req.messages[0]?.content.includes("[[ ## ") ? `[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]` : `Answer: ${answer}`;
  };
}

const Spell = signature("question: string -> answer: string", { name: "Spell", instructions: "Spell the word in capitals." });

class SpellProgram extends Module {
  answer = new Predict(Spell);
  async forward(inputs: { question: string }) {
    return this.answer.forward(inputs);
  }
}

const metric: Metric = (ex, prediction) => prediction.outputs.answer === ex.data.answer;

/** One system's figures over the repeats: wall time and LM calls as median and range. */
export interface CompileBenchRow {
  system: string;
  wallMs: { median: number; min: number; max: number };
  lmCalls: { median: number; min: number; max: number };
  demos: number;
  /** Mean score of the compiled programs on the valset (0..100). */
  valScore: number;
}

export interface CompileBenchResult {
  machine: string;
  loadAverage: number[];
  latencyMs: number;
  trainset: number;
  valset: number;
  demos: number;
  repeat: number;
  rows: CompileBenchRow[];
  /** Median Ax wall time over median otpforge wall time. */
  speedup: number;
}

interface Sample {
  wallMs: number;
  lmCalls: number;
  demos: number;
  valScore: number;
}

export async function runCompileBench(options: { latencyMs?: number; trainset?: number; concurrency?: number; repeat?: number } = {}): Promise<CompileBenchResult> {
  const latencyMs = options.latencyMs ?? 200;
  const nTrain = options.trainset ?? 32;
  const concurrency = options.concurrency ?? 8;
  const repeat = options.repeat ?? 5;
  const words = WORDS.slice(0, nTrain);
  const valWords = WORDS.slice(nTrain, nTrain + 16);
  const record = (w: string) => ({ question: `spell ${w}`, answer: w.toUpperCase() });
  const trainset: Example[] = words.map((w) => example(record(w)).withInputs("question"));
  const valset: Example[] = valWords.map((w) => example(record(w)).withInputs("question"));

  const known = new Set([...rng("spell").sample(words, Math.floor(words.length / 4)), ...rng("spell").sample(valWords, Math.floor(valWords.length / 4))]);
  const server = await FakeProviderServer.start({ handler: fakeSpeller(known), latencyMs });
  try {
    // otpforge: the real openai SDK client, cache off so every call reaches the server.
    const model = lm("openai/bench-model", { baseURL: server.openaiBaseURL, apiKey: "sk-bench", cache: false, maxInFlight: concurrency });
    // Ax: its own client (ai()) to the same server, the same examples and metric.
    const axAI = ai({ name: "openai", apiKey: "sk-bench", apiURL: server.openaiBaseURL, config: { model: "bench-model", stream: false } } as never);
    // One untimed call through each stack first, so neither timing includes loading SDK modules.
    await withSettings({ lm: model }, () => new SpellProgram().forward({ question: "spell warmup" }));
    await ax("question:string -> answer:string").forward(axAI as never, { question: "spell warmup" });

    const ours: Sample[] = [];
    const theirs: Sample[] = [];
    // Alternate the two systems, so a change in machine load hits both alike.
    for (let r = 0; r < repeat; r++) {
      server.reset();
      let started = performance.now();
      const compiled = await new BootstrapFewShot({ metric, maxBootstrappedDemos: 4, maxLabeledDemos: 4 }).compile(new SpellProgram(), { trainset, lm: model, concurrency });
      let wallMs = performance.now() - started;
      let lmCalls = server.requests.length;
      const oursVal = await withSettings({ lm: model }, () => evaluate(compiled.program, valset, metric, { concurrency, progress: false }));
      ours.push({ wallMs, lmCalls, demos: compiled.program.answer.demos.length, valScore: oursVal.score });

      const axProgram = ax("question:string -> answer:string");
      const axOptimizer = new AxBootstrapFewShot({ studentAI: axAI, options: { maxDemos: 4, maxRounds: 1, maxExamples: nTrain, verboseMode: false } } as never);
      server.reset();
      started = performance.now();
      const axResult = await axOptimizer.compile(
        axProgram as never,
        words.map(record) as never,
        (({ prediction, example: ex }: { prediction: { answer?: string }; example: { answer: string } }) => (prediction.answer === ex.answer ? 1 : 0)) as never,
      );
      wallMs = performance.now() - started;
      lmCalls = server.requests.length;
      axProgram.setDemos(axResult.demos as never);
      // Scoring is not timed: run Ax's valset calls concurrently too.
      const answers = await Promise.all(valWords.map((w) => axProgram.forward(axAI as never, { question: `spell ${w}` }) as Promise<{ answer?: string }>));
      const right = answers.filter((a, i) => a.answer === valWords[i]!.toUpperCase()).length;
      const demos = (axResult.demos ?? []).reduce((n, d) => n + (d as { traces: unknown[] }).traces.length, 0);
      theirs.push({ wallMs, lmCalls, demos, valScore: (100 * right) / valWords.length });
    }

    const rows = [summarize(`otpforge BootstrapFewShot (concurrency ${concurrency})`, ours), summarize("Ax AxBootstrapFewShot 24.0.21", theirs)];
    return {
      machine: `${os.cpus().length} cores, ${os.type()} ${os.release()}, Node ${process.versions.node}`,
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      latencyMs,
      trainset: nTrain,
      valset: valWords.length,
      demos: 4,
      repeat,
      rows,
      speedup: rows[1]!.wallMs.median / rows[0]!.wallMs.median,
    };
  } finally {
    await server.close();
  }
}

function summarize(system: string, samples: Sample[]): CompileBenchRow {
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return { median, min: sorted[0]!, max: sorted.at(-1)! };
  };
  return {
    system,
    wallMs: stats(samples.map((s) => s.wallMs)),
    lmCalls: stats(samples.map((s) => s.lmCalls)),
    demos: Math.min(...samples.map((s) => s.demos)),
    valScore: samples.reduce((n, s) => n + s.valScore, 0) / samples.length,
  };
}

export const compileBench = {
  name: "compile",
  summary: "otpforge BootstrapFewShot vs Ax AxBootstrapFewShot on a fake 200 ms server",
  help: `Usage: otpforge bench compile [--latency-ms N] [--trainset N] [--concurrency N] [--repeat N] [--json]

Starts a fake OpenAI-compatible server answering after --latency-ms (default
200), then compiles the same spelling task with otpforge's BootstrapFewShot
(--concurrency, default 8) and with Ax's AxBootstrapFewShot (sequential), both
for 4 demos from a trainset of --trainset examples (default 32). In one run the
two alternate --repeat times (default 5; Ax visits examples in a random order,
so one compile alone says little), after one untimed warm-up call through each
stack. Prints each system's median and range of compile wall time and LM
requests, and the mean score of its compiled programs on 16 held-out examples
(same metric).

Examples:
  otpforge bench compile
  otpforge bench compile --json`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseVerbArgs("bench compile", argv, { "latency-ms": { type: "string" }, trainset: { type: "string" }, concurrency: { type: "string" }, repeat: { type: "string" } }, false);
    const result = await runCompileBench({
      latencyMs: intOption(values["latency-ms"], "latency-ms", 200, 0),
      trainset: intOption(values.trainset, "trainset", 32, 4),
      concurrency: intOption(values.concurrency, "concurrency", 8),
      repeat: intOption(values.repeat, "repeat", 5),
    });
    if (values.json) io.stdout(JSON.stringify(result) + "\n");
    else io.stdout(formatCompileBench(result));
    return EXIT_OK;
  },
};

export function formatCompileBench(r: CompileBenchResult): string {
  const secs = (ms: number) => (ms / 1000).toFixed(2);
  const lines = [
    `fake server ${r.latencyMs} ms/call, trainset ${r.trainset}, ${r.demos} demos, valset ${r.valset}, ${r.repeat} alternating compiles each — ${r.machine}, load average ${r.loadAverage.join(" ")}`,
    "",
    "| system | compile wall time, median (min–max) | LM calls, median (min–max) | demos | val score (mean) |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...r.rows.map(
      (row) =>
        `| ${row.system} | ${secs(row.wallMs.median)} s (${secs(row.wallMs.min)}–${secs(row.wallMs.max)}) | ${row.lmCalls.median} (${row.lmCalls.min}–${row.lmCalls.max}) | ${row.demos} | ${row.valScore.toFixed(1)} |`,
    ),
    "",
    `speedup (median Ax / median otpforge): ${r.speedup.toFixed(1)}x`,
    "",
  ];
  return lines.join("\n");
}
