// The world model of a trace example: a few GenServers built from a library of
// handler behaviours, an optional supervisor, and the schedule that an external
// "System" process drives. Versioned: a record names the version that built it.
import type { Lit } from "@otpforge/otp-signatures";
import { z } from "zod";

export type { Lit };

export const WORLD_SCHEMA_VERSION = 1;

export const litSchema: z.ZodType<Lit> = z.lazy(() =>
  z.union([
    z.number().int(),
    z.object({ atom: z.string().regex(/^[a-z_][a-zA-Z0-9_]*[?!]?$|^[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*$/) }).strict(),
    z.array(litSchema),
    z.object({ tuple: z.array(litSchema) }).strict(),
  ]),
);

export const atom = (name: string): Lit => ({ atom: name });
export const tuple = (...items: Lit[]): Lit => ({ tuple: items });

/** Module names are Elixir aliases; they are also the registered process names. */
const moduleName = z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "a module alias such as Counter");

/**
 * One handler clause family. `kind` says what the clause does; the extra
 * fields parametrise it (a target process, a timeout, a crash limit).
 */
export const handlerSchema = z.discriminatedUnion("kind", [
  // integer state
  z.object({ kind: z.literal("add_cast"), limit: z.number().int().optional() }).strict(),
  z.object({ kind: z.literal("add_call") }).strict(),
  z.object({ kind: z.literal("get_call") }).strict(),
  z.object({ kind: z.literal("swap_call") }).strict(),
  z.object({ kind: z.literal("double_cast") }).strict(),
  z.object({ kind: z.literal("div_call") }).strict(),
  // list state
  z.object({ kind: z.literal("push_cast") }).strict(),
  z.object({ kind: z.literal("pop_call") }).strict(),
  z.object({ kind: z.literal("take_call") }).strict(),
  z.object({ kind: z.literal("size_call") }).strict(),
  // any state
  z.object({ kind: z.literal("tick_info") }).strict(),
  z.object({ kind: z.literal("log_info") }).strict(),
  z.object({ kind: z.literal("schedule_cast") }).strict(),
  z.object({ kind: z.literal("relay_cast"), target: moduleName }).strict(),
  z.object({ kind: z.literal("ask_call"), target: moduleName, timeout: z.number().int().positive(), safe: z.boolean() }).strict(),
  z.object({ kind: z.literal("sync_cast"), target: moduleName, timeout: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal("watch_cast"), target: moduleName }).strict(),
  z.object({ kind: z.literal("later_call") }).strict(),
  z.object({ kind: z.literal("stop_cast"), reason: z.enum(["normal", "shutdown"]) }).strict(),
]);
export type Handler = z.infer<typeof handlerSchema>;
export type HandlerKind = Handler["kind"];

export const stateKindSchema = z.enum(["int", "list"]);
export type StateKind = z.infer<typeof stateKindSchema>;

export const processSchema = z
  .object({
    name: moduleName,
    state: stateKindSchema,
    /** The argument `init/1` receives: an integer, or a list of atoms. */
    initial: litSchema,
    restart: z.enum(["permanent", "transient", "temporary"]),
    handlers: z.array(handlerSchema).min(1),
  })
  .strict();
export type ProcessSpec = z.infer<typeof processSchema>;

export const supervisorSchema = z
  .object({
    strategy: z.enum(["one_for_one", "one_for_all", "rest_for_one"]),
    maxRestarts: z.number().int().min(0),
    maxSeconds: z.number().int().positive(),
    /** Supervised processes in start order; the others are started by System. */
    children: z.array(moduleName).min(1),
  })
  .strict();
export type SupervisorSpec = z.infer<typeof supervisorSchema>;

/**
 * One stimulus from System. `at` is the time (ms from the start) before which
 * System does not start the step; `via: "stale_pid"` uses the pid System saved
 * when the process was first started, instead of the registered name.
 * `wait: false` skips the wait for quiescence after the step (a deliberate race).
 */
// call, cast and send carry the same fields; only the op differs.
const messageStep = <Op extends "call" | "cast" | "send">(op: Op) =>
  z
    .object({
      op: z.literal(op),
      at: z.number().int().min(0),
      target: moduleName,
      msg: litSchema,
      via: z.enum(["name", "stale_pid"]),
      wait: z.boolean(),
    })
    .strict();

export const stepSchema = z.discriminatedUnion("op", [
  messageStep("call"),
  messageStep("cast"),
  messageStep("send"),
  z.object({ op: z.literal("kill"), at: z.number().int().min(0), target: moduleName, wait: z.boolean() }).strict(),
]);
export type Step = z.infer<typeof stepSchema>;

export const difficultySchema = z.enum(["easy", "medium", "hard"]);
export type Difficulty = z.infer<typeof difficultySchema>;

export const worldSchema = z
  .object({
    version: z.literal(WORLD_SCHEMA_VERSION),
    difficulty: difficultySchema,
    processes: z.array(processSchema).min(1).max(6),
    supervisor: supervisorSchema.nullable(),
    schedule: z.array(stepSchema).min(1),
    /** When System stops and takes the final snapshot (ms from the start). */
    endAt: z.number().int().min(0),
  })
  .strict()
  .superRefine((w, ctx) => {
    const names = new Set(w.processes.map((p) => p.name));
    if (names.size !== w.processes.length) ctx.addIssue({ code: "custom", message: "process names must be distinct" });
    const refs = [
      ...(w.supervisor?.children ?? []),
      ...w.schedule.map((s) => s.target),
      ...w.processes.flatMap((p) => p.handlers.flatMap((h) => ("target" in h ? [h.target] : []))),
    ];
    for (const r of refs) if (!names.has(r)) ctx.addIssue({ code: "custom", message: `unknown process ${r}` });
    for (let i = 1; i < w.schedule.length; i++) {
      if (w.schedule[i].at < w.schedule[i - 1].at) ctx.addIssue({ code: "custom", message: `step ${i + 1} starts before step ${i}` });
    }
  });
export type World = z.infer<typeof worldSchema>;

export function processByName(world: World, name: string): ProcessSpec {
  const p = world.processes.find((q) => q.name === name);
  if (!p) throw new Error(`no process named ${name} in this world`);
  return p;
}

export function isSupervised(world: World, name: string): boolean {
  return world.supervisor?.children.includes(name) ?? false;
}
