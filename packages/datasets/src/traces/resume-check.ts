// Completing an existing trace dataset is safe only under the options that
// made it: the records a session accepts depend on the seed, the target n
// (family quotas), the families and their order, the difficulty, how worlds
// are observed (explored, or the runs per world), the questions per world and races. A session under other options
// would mix two datasets in one file and still report success, so it is
// refused, naming the option that differs. (--max-worlds and --pool-size only
// decide when to give up and how fast, so they may change between sessions.)
import { FAMILIES, type Family } from "./questions/spec.js";
import { OtpforgeError } from "@otpforge/core";
import { DEFAULT_BOUNDS } from "./concurrent/label.js";
import { TRACE_GENERATOR_VERSION, type TraceExample } from "./record.js";
import type { Difficulty } from "./world.js";

/** An existing file that this session may not complete (other options, or another generator). */
export class TraceResumeError extends OtpforgeError {
  constructor(message: string) {
    super("TRACE_RESUME_MISMATCH", message, { category: "input" });
  }
}

/** The options that decide which records a trace dataset holds, as recorded beside it. */
export interface TraceGenerationOptions {
  seed: string;
  n: number;
  /** In the order given (it breaks ties between families); all families by default. */
  families: Family[];
  /** null: each world draws its own difficulty. */
  difficulty: Difficulty | null;
  /** How worlds were observed: under the explorer, or in `runs` real-time runs (see TraceDatasetOptions.observation). */
  observation: "explore" | "runs";
  runs: number;
  questionsPerWorld: number;
  races: boolean;
  /** The share of n from concurrent worlds. */
  concurrentShare: number;
  /** Concurrent worlds: schedules explored at most (a world past it is dropped). */
  maxSchedules: number;
}

/** The generation options with their defaults filled in, as they are recorded and compared. */
export function generationOptions(o: {
  seed: string | number;
  n: number;
  families?: readonly Family[];
  difficulty?: Difficulty;
  observation?: "explore" | "runs";
  runs?: number;
  questionsPerWorld?: number;
  races?: boolean;
  concurrentShare?: number;
  concurrentBounds?: { maxSchedules?: number };
}): TraceGenerationOptions {
  return {
    seed: String(o.seed),
    n: o.n,
    families: o.families?.length ? [...o.families] : [...FAMILIES],
    difficulty: o.difficulty ?? null,
    observation: o.observation ?? "explore",
    runs: o.runs ?? 5,
    questionsPerWorld: o.questionsPerWorld ?? 6,
    races: o.races ?? false,
    concurrentShare: o.concurrentShare ?? 0,
    maxSchedules: o.concurrentBounds?.maxSchedules ?? DEFAULT_BOUNDS.maxSchedules,
  };
}

/** How an option is typed on the command line, to say what to pass instead. */
function flag(name: keyof TraceGenerationOptions, o: TraceGenerationOptions): string {
  switch (name) {
    case "seed":
      return `--seed ${o.seed}`;
    case "n":
      return `--n ${o.n}`;
    case "families":
      return `--families ${o.families.join(",")}`;
    case "difficulty":
      return o.difficulty ? `--difficulty ${o.difficulty}` : "no --difficulty (a mix)";
    case "observation":
      return `--observe ${o.observation}`;
    case "runs":
      return `--runs ${o.runs}`;
    case "questionsPerWorld":
      return `--questions-per-world ${o.questionsPerWorld}`;
    case "races":
      return o.races ? "--races" : "no --races";
    case "concurrentShare":
      return `--concurrent-share ${o.concurrentShare}`;
    case "maxSchedules":
      return `--max-schedules ${o.maxSchedules}`;
  }
}

const ORDER: Array<keyof TraceGenerationOptions> = [
  "seed",
  "n",
  "families",
  "difficulty",
  "observation",
  "runs",
  "questionsPerWorld",
  "races",
  "concurrentShare",
  "maxSchedules",
];

function mismatch(
  file: string,
  name: keyof TraceGenerationOptions,
  made: TraceGenerationOptions,
  wanted: TraceGenerationOptions,
): TraceResumeError {
  // The seed keeps its long-standing wording ("generated with seed S").
  const was = name === "seed" ? `seed ${made.seed}` : flag(name, made);
  const now = name === "seed" ? wanted.seed : flag(name, wanted);
  return new TraceResumeError(
    `${file} was generated with ${was}, not ${now}: pass ${flag(name, made)} to complete it, or write to another --out file`,
  );
}

/**
 * Refuses to complete `file` (its records `existing`, and the options
 * recorded beside it, if any) under the options `wanted`. The recorded
 * options count even when no record survived (a checkpoint holding only a
 * cut-off world): that session was still made under them. The records are
 * checked as well, so a file whose options were lost (or one written before
 * options were recorded) is still caught where its records show what made them.
 */
export function checkResume(
  file: string,
  existing: readonly TraceExample[],
  recorded: TraceGenerationOptions | undefined,
  wanted: TraceGenerationOptions,
  // Concurrent records carry their seed too; a file of another seed's concurrent worlds is not this dataset.
  existingConcurrent: ReadonlyArray<{ provenance: { seed: string } }> = [],
): void {
  const otherSeed = existingConcurrent.find((e) => e.provenance.seed !== wanted.seed);
  if (otherSeed) {
    throw new TraceResumeError(
      `${file} holds concurrent worlds generated with seed ${otherSeed.provenance.seed}, not ${wanted.seed}: pass --seed ${otherSeed.provenance.seed} to complete it, or write to another --out file`,
    );
  }
  for (const name of recorded ? ORDER : []) {
    if (JSON.stringify(recorded![name]) !== JSON.stringify(wanted[name])) throw mismatch(file, name, recorded!, wanted);
  }
  for (const e of existing) {
    const p = e.provenance;
    if (p.generatorVersion !== TRACE_GENERATOR_VERSION) {
      throw new TraceResumeError(
        `${file} was made by trace generator ${p.generatorVersion}, this is ${TRACE_GENERATOR_VERSION}: write to a new file`,
      );
    }
    if (p.seed !== wanted.seed) throw mismatch(file, "seed", { ...wanted, seed: p.seed }, wanted);
    const observation = p.explored ? "explore" : "runs";
    if (observation !== wanted.observation) throw mismatch(file, "observation", { ...wanted, observation }, wanted);
    // (An explored record's runs are the schedules explored, not the option.)
    if (!p.explored && p.runs !== wanted.runs) throw mismatch(file, "runs", { ...wanted, runs: p.runs }, wanted);
    if (!wanted.families.includes(e.family)) {
      throw new TraceResumeError(
        `${file} holds ${e.family} examples, which ${flag("families", wanted)} leaves out: pass the --families it was made with, or write to another --out file`,
      );
    }
    if (wanted.difficulty && e.difficulty !== wanted.difficulty) {
      throw new TraceResumeError(
        `${file} holds ${e.difficulty} examples, so it was not made with ${flag("difficulty", wanted)}: pass the --difficulty it was made with (none for a mix), or write to another --out file`,
      );
    }
  }
}
