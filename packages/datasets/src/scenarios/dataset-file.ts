// Scenario dataset files. The attempt log `F.attempts.jsonl` is the source of
// truth: one line per attempt (kept or not, with its cause and cost), appended
// as each attempt ends, and kept for good (it is the evidence behind the
// acceptance table). `F.jsonl` (the kept records), `F.negatives.jsonl` (the
// false friends: negative examples) and `F.stats.json` are
// written from it, atomically, at the end of every session. The options that
// decide the records are in `F.options.json`; a later session continues the
// log only under the same ones.
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { hashValue, jsonLines, OtpforgeError, writeFileAtomicSync } from "@otpforge/core";
import { z } from "zod";
import type { ScenarioAttempt } from "./generate.js";
import { OUTCOMES } from "./outcomes.js";
import {
  falseFriendRecordSchema,
  SCENARIO_GENERATOR_VERSION,
  scenarioRecordSchema,
  type FalseFriendRecord,
  type ScenarioRecord,
} from "./record.js";

/** A scenario dataset file that cannot be read or continued: the user fixes, moves or names another file. */
export class ScenarioFileError extends OtpforgeError {
  constructor(message: string) {
    super("SCENARIO_FILE", message, { category: "input" });
  }
}

export const attemptsPath = (path: string) => `${path.replace(/\.jsonl$/, "")}.attempts.jsonl`;
export const scenarioStatsPath = (path: string) => `${path.replace(/\.jsonl$/, "")}.stats.json`;
export const scenarioOptionsPath = (path: string) => `${path.replace(/\.jsonl$/, "")}.options.json`;
export const negativesPath = (path: string) => `${path.replace(/\.jsonl$/, "")}.negatives.jsonl`;

/** What decides the records; any change makes another dataset. */
export interface ScenarioGenerationSettings {
  generator: string;
  seed: string;
  runs: number;
  /** Target anti-pattern ids, in order. */
  targets: string[];
  /** The model's id (null: none configured, as with a scripted generator). */
  model: string | null;
  /** A hash of the generator program's state (its demos and instructions). */
  program: string;
}

/** The settings of a session: this generator's version, and the program as a hash of its state. */
export function scenarioSettings(o: {
  seed: string;
  runs: number;
  targets: ReadonlyArray<{ id: string }>;
  model: string | null;
  program: { dumpState(): unknown };
}): ScenarioGenerationSettings {
  return {
    generator: SCENARIO_GENERATOR_VERSION,
    seed: o.seed,
    runs: o.runs,
    targets: o.targets.map((t) => t.id),
    model: o.model,
    program: hashValue(o.program.dumpState()),
  };
}

const attemptSchema = z.strictObject({
  attempt: z.number().int().nonnegative(),
  anti_pattern_id: z.string(),
  setting: z.string(),
  outcome: z.enum(OUTCOMES),
  detail: z.string(),
  usage: z.strictObject({ calls: z.number(), cacheHits: z.number(), tokens: z.number(), costUSD: z.number() }),
  record: scenarioRecordSchema.optional(),
  negative: falseFriendRecordSchema.optional(),
});

function readIfThere(path: string): string {
  if (!existsSync(path)) return "";
  if (statSync(path).isDirectory()) throw new ScenarioFileError(`${path} is a folder: name a .jsonl file instead`);
  return readFileSync(path, "utf8");
}

/**
 * The attempts of earlier sessions, in order. An unfinished last line (a
 * session killed mid-append) is dropped: that attempt is made again. A dataset
 * file without its attempt log was not made by this generator and is refused
 * (nothing here overwrites what it did not write).
 */
export function readScenarioAttempts(path: string): ScenarioAttempt[] {
  const log = attemptsPath(path);
  const text = readIfThere(log);
  if (text === "" && existsSync(path) && readIfThere(path).trim() !== "") {
    throw new ScenarioFileError(
      `${path} exists but has no attempt log (${log}): it was not made by \`otpforge dataset scenarios\`. Write to another --out file.`,
    );
  }
  const out: ScenarioAttempt[] = [];
  const invalid = (line: number) =>
    new ScenarioFileError(`${log}:${line}: not valid JSON. Restore the log, or write to another --out file.`);
  for (const { line, value } of jsonLines(text, { invalid, tolerateTornTail: true })) {
    const parsed = attemptSchema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((x) => `${x.path.join(".") || "(line)"}: ${x.message}`)
        .join("; ");
      throw new ScenarioFileError(
        `${log}:${line}: not an attempt of scenario generator ${SCENARIO_GENERATOR_VERSION} (${issues}). Write to another --out file.`,
      );
    }
    if (parsed.data.attempt !== out.length)
      throw new ScenarioFileError(
        `${log}:${line}: attempt ${parsed.data.attempt} where attempt ${out.length} was expected. Restore the log, or write to another --out file.`,
      );
    out.push(parsed.data as ScenarioAttempt);
  }
  return out;
}

/** The settings recorded beside the file; undefined when there are none yet. */
export function readScenarioSettings(path: string): ScenarioGenerationSettings | undefined {
  const text = readIfThere(scenarioOptionsPath(path));
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as ScenarioGenerationSettings;
  } catch {
    throw new ScenarioFileError(
      `${scenarioOptionsPath(path)} is not the options file of a scenario dataset: restore it, or write to another --out file`,
    );
  }
}

const SETTING_NAMES: Record<keyof ScenarioGenerationSettings, string> = {
  generator: "the generator version",
  seed: "--seed",
  runs: "--runs",
  targets: "--anti-patterns",
  model: "--lm",
  program: "--program",
};

/** Refuses to continue a log made under other settings, naming what differs. */
export function checkScenarioResume(
  path: string,
  recorded: ScenarioGenerationSettings | undefined,
  wanted: ScenarioGenerationSettings,
  attempts: number,
): void {
  if (attempts === 0) return;
  if (!recorded)
    throw new ScenarioFileError(
      `${attemptsPath(path)} has attempts but ${scenarioOptionsPath(path)} is missing: restore it, or write to another --out file`,
    );
  for (const key of Object.keys(SETTING_NAMES) as Array<keyof ScenarioGenerationSettings>) {
    if (JSON.stringify(recorded[key]) !== JSON.stringify(wanted[key])) {
      throw new ScenarioFileError(
        `${path} was generated with ${SETTING_NAMES[key]} ${JSON.stringify(recorded[key])}, not ${JSON.stringify(wanted[key])}: continue it with the same value, or write to another --out file`,
      );
    }
  }
}

/** Appends each attempt as it ends; `finish` writes the records and statistics from the whole log. */
export class ScenarioDatasetWriter {
  constructor(
    readonly path: string,
    settings: ScenarioGenerationSettings,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomicSync(scenarioOptionsPath(path), JSON.stringify(settings, null, 2) + "\n");
  }

  append(attempt: ScenarioAttempt): void {
    appendFileSync(attemptsPath(this.path), JSON.stringify(attempt) + "\n");
  }

  finish(records: readonly ScenarioRecord[], stats: unknown, negatives: readonly FalseFriendRecord[] = []): void {
    writeFileAtomicSync(this.path, records.map((r) => JSON.stringify(r) + "\n").join(""));
    writeFileAtomicSync(negativesPath(this.path), negatives.map((r) => JSON.stringify(r) + "\n").join(""));
    writeFileAtomicSync(scenarioStatsPath(this.path), JSON.stringify(stats, null, 2) + "\n");
  }
}

/** The kept records of a scenario dataset file. */
export function readScenarioRecords(path: string): ScenarioRecord[] {
  if (!existsSync(path)) throw new ScenarioFileError(`${path} does not exist: make one with \`otpforge dataset scenarios\``);
  const out: ScenarioRecord[] = [];
  const invalid = (line: number) => new ScenarioFileError(`${path}:${line}: not valid JSON`);
  for (const { line, value } of jsonLines(readIfThere(path), { invalid })) {
    const parsed = scenarioRecordSchema.safeParse(value);
    if (!parsed.success)
      throw new ScenarioFileError(
        `${path}:${line}: not a scenario record (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message})`,
      );
    out.push(parsed.data);
  }
  return out;
}
