// `otpforge explore FILE.exs`: every outcome a scenario's concurrent code can
// reach (on one node, or between nodes), each with a witness schedule that replays to it. The
// work is @otpforge/beam's explore(); this verb reads the file, prints the
// outcome table and each witness in words, and replays a witness.
import { resolve } from "node:path";
import { createPool, explore, replay, type DeliveryModel, type ExploredOutcome, type ExploreResult } from "@otpforge/beam";
import { intOption, MAX_JOB_TIMEOUT_MS, parseVerbArgs } from "../args.js";
import { readInputFile } from "../path-checks.js";
import { EXIT_OK, UsageError, type Verb } from "../verb.js";

export const exploreVerb: Verb = {
  name: "explore",
  summary: "explore every interleaving of a scenario on the BEAM: each possible outcome with a replayable witness",
  help: `Usage: otpforge explore FILE.exs [--model single-node|distributed] [--max-schedules N] [--max-steps N] [--replay WITNESS.json] [--json]

FILE.exs follows the scenario harness convention: it defines Scenario.run/0
(and the modules it uses); the value run/0 returns, as inspect prints it, is
the outcome. The file is checked by the sandbox policy as written, rewritten
so that each process stops at every send, cast, call, reply, exit signal,
timer, ETS operation and callback entry, and run once per schedule, depth
first, with virtual time (timeouts and timers cost no real time).

Prints every outcome with how many schedules reached it and one witness: the
steps that lead to it, one line each, and the choice list to replay it.

Options:
  --model M           single-node (default): a message arrives the moment it
                      is sent, so the choices are which process steps next;
                      distributed: messages stay in flight until delivered,
                      in order per sender and receiver (a :DOWN after the
                      dead process's messages), as between nodes
  --max-schedules N   schedules run at most (default 2000); past it the
                      result says complete: false
  --max-steps N       choices one schedule may take (default 500)
  --replay W.json     run one witness (a JSON array of choice indexes, or an
                      outcome object from --json output) and print its steps;
                      give the --model it was found with
  --timeout-ms N      wall-clock limit of the whole exploration (default 60000)
  --json              the result as one JSON object

Exit codes: 0 explored (also when a bound cut it: the output says so),
2 bad usage, a missing file, or a scenario that does not compile or breaks
the sandbox policy.

Examples:
  otpforge explore lost_update.exs
  otpforge explore lost_update.exs --json > result.json
  otpforge explore relay.exs --model distributed
  otpforge explore lost_update.exs --replay witness.json`,

  async run(argv, io) {
    const { values, positionals } = parseVerbArgs("explore", argv, {
      model: { type: "string" },
      "max-schedules": { type: "string" },
      "max-steps": { type: "string" },
      replay: { type: "string" },
      "timeout-ms": { type: "string" },
    });
    if (positionals.length !== 1)
      throw new UsageError("give exactly one scenario file (.exs defining Scenario.run/0). See `otpforge explore --help`.");
    const source = readInputFile(resolve(io.cwd, positionals[0]!), "a scenario file");
    const limits = { timeoutMs: intOption(values["timeout-ms"], "timeout-ms", 60_000, 100, MAX_JOB_TIMEOUT_MS) };
    const model = values.model ?? "single-node";
    if (model !== "single-node" && model !== "distributed") {
      throw new UsageError(`--model ${model} is not a delivery model: use --model single-node (the default) or --model distributed`);
    }
    const bounds = {
      model: model as DeliveryModel,
      ...(values["max-schedules"] !== undefined
        ? { maxSchedules: intOption(values["max-schedules"], "max-schedules", 2000, 1, 1_000_000) }
        : {}),
      ...(values["max-steps"] !== undefined ? { maxSteps: intOption(values["max-steps"], "max-steps", 500, 1, 1_000_000) } : {}),
    };
    const witness = values.replay !== undefined ? readWitness(resolve(io.cwd, values.replay)) : undefined;

    const pool = await createPool({ size: 1, onNotice: (m) => io.stderr(`${m}\n`) });
    try {
      if (witness) {
        const r = await replay(pool, source, witness, { ...bounds, limits });
        io.stdout(values.json ? JSON.stringify({ ...r, model }) + "\n" : `outcome ${r.outcome} (model ${model})\n${stepsText(r)}`);
        return EXIT_OK;
      }
      const r = await explore(pool, source, { ...bounds, limits });
      io.stdout(values.json ? JSON.stringify(r) + "\n" : resultText(r));
      return EXIT_OK;
    } finally {
      await pool.close();
    }
  },
};

/** A witness file: a JSON array of choice indexes, or an object with a `witness` array. */
function readWitness(path: string): number[] {
  const text = readInputFile(path, "a witness file (JSON)");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(
      `${path} is not JSON: a witness is a JSON array of choice indexes such as [0, 1, 0], or an outcome object from --json output`,
    );
  }
  const list = Array.isArray(value) ? value : (value as { witness?: unknown })?.witness;
  if (!Array.isArray(list) || !list.every((i) => Number.isInteger(i) && i >= 0)) {
    throw new UsageError(`${path}: a witness is a JSON array of choice indexes (integers >= 0), or an object with such a "witness" array`);
  }
  return list as number[];
}

function resultText(r: ExploreResult): string {
  const lines = [
    `${r.outcomes.length} outcome${r.outcomes.length === 1 ? "" : "s"} over ${r.schedules} schedule${r.schedules === 1 ? "" : "s"} (model ${r.model}, ${r.complete ? "complete" : "NOT complete: a bound cut the search"})`,
  ];
  if (!r.complete)
    lines.push(
      `  cut: ${r.cut.schedulesLimit ? "the schedule limit was reached; " : ""}${r.cut.stepsLimit} schedule(s) hit the step limit`,
    );
  const width = Math.max(7, ...r.outcomes.map((o) => o.outcome.length));
  lines.push("", `  ${"outcome".padEnd(width)}  schedules`);
  for (const o of r.outcomes) lines.push(`  ${o.outcome.padEnd(width)}  ${String(o.schedules ?? 1).padStart(9)}`);
  for (const o of r.outcomes) lines.push("", `outcome ${o.outcome}: witness ${JSON.stringify(o.witness)}`, stepsText(o).trimEnd());
  return lines.join("\n") + "\n";
}

function stepsText(o: ExploredOutcome): string {
  const steps = o.steps.length
    ? o.steps.map((s, i) => `  ${String(i + 1).padStart(3)}. ${s}`)
    : ["  (no choice: every schedule is this one)"];
  const blocked = o.blocked?.map((b) => `  blocked: ${b.process} waits in ${b.waitsIn}`) ?? [];
  return [...steps, ...blocked].join("\n") + "\n";
}
