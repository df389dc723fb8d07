// The tunable state of a program: per predictor (by dotted name) the
// instructions and demos, plus the signature hash that guards against loading
// state into a program whose signatures changed.
import { z } from "zod";
import { OtpforgeError } from "./errors.js";

export interface PredictorState {
  signatureHash: string;
  instructions: string;
  demos: Array<Record<string, unknown>>;
}

export interface ProgramState {
  version: 1;
  predictors: Record<string, PredictorState>;
}

export const predictorStateSchema = z.object({
  signatureHash: z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex string"),
  instructions: z.string(),
  demos: z.array(z.record(z.string(), z.unknown())),
});

export const programStateSchema = z.object({
  version: z.literal(1),
  predictors: z.record(z.string(), predictorStateSchema),
});

export class InvalidStateError extends OtpforgeError {
  constructor(detail: string) {
    super("INVALID_STATE", `Not a valid program state: ${detail}. Load only what dumpState() produced.`, { category: "input" });
  }
}

export interface HashMismatch {
  name: string;
  /** Hash of the program's signature. */
  program: string;
  /** Hash recorded in the state. */
  state: string;
}

/** The state was made for a different program: names or signatures do not match. */
export class StateMismatchError extends OtpforgeError {
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  readonly hashMismatches: readonly HashMismatch[];

  constructor(args: { missing: string[]; unexpected: string[]; hashMismatches: HashMismatch[] }) {
    const lines: string[] = [];
    if (args.missing.length) lines.push(`- predictors in the program but not in the state: ${args.missing.join(", ")}`);
    if (args.unexpected.length) lines.push(`- predictors in the state but not in the program: ${args.unexpected.join(", ")}`);
    for (const m of args.hashMismatches) {
      lines.push(`- ${m.name}: signature changed (program ${m.program.slice(0, 12)}, state ${m.state.slice(0, 12)})`);
    }
    super(
      "STATE_MISMATCH",
      `This state does not match the program:\n${lines.join("\n")}\n` +
        "Load state only into the program it was saved from (same predictor names and signatures), or recompile.",
      { category: "input" },
    );
    this.missing = Object.freeze([...args.missing]);
    this.unexpected = Object.freeze([...args.unexpected]);
    this.hashMismatches = Object.freeze([...args.hashMismatches]);
  }
}

export function parseProgramState(state: unknown): ProgramState {
  const r = programStateSchema.safeParse(state);
  if (!r.success) {
    throw new InvalidStateError(r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
  }
  return r.data as ProgramState;
}
