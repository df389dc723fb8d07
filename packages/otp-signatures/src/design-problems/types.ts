// What a system-design problem is: a story for the model, a contract of names
// the checker relies on, machine-checkable requirements, and a hand-written
// reference answer. The zod schemas validate problems read from data files.
import { OtpforgeError } from "@otpforge/core";
import { z } from "zod";
import { isElixirAlias, isElixirLiteral, splitFunctionRef } from "../elixir-term.js";

/** Thrown when a design problem holds something that is not a plain Elixir literal, or is otherwise invalid. */
export class InvalidDesignProblemError extends OtpforgeError {
  constructor(message: string) {
    super("INVALID_DESIGN_PROBLEM", message, { category: "input" });
  }
}

/** Asserts `text` is a plain Elixir literal; `where` names the field for the error. */
export function assertElixirLiteral(text: string, where: string): string {
  if (!isElixirLiteral(text)) {
    throw new InvalidDesignProblemError(
      `${where}: ${JSON.stringify(text)} is not a plain Elixir literal (allowed: atoms, module names, integers, strings without interpolation, nil/true/false, lists, tuples, keyword lists).`,
    );
  }
  return text;
}

/** Asserts `text` is a module name such as `Chat.Registry`. */
export function assertAlias(text: string, where: string): string {
  if (!isElixirAlias(text)) {
    throw new InvalidDesignProblemError(`${where}: ${JSON.stringify(text)} is not an Elixir module name (e.g. "Chat.Registry").`);
  }
  return text;
}

/** Splits `"Cache.put"` into module and function; throws when it is not of that shape. */
export function parseFunctionRef(text: string, where: string): { module: string; fun: string } {
  const ref = splitFunctionRef(text);
  if (!ref) {
    throw new InvalidDesignProblemError(`${where}: ${JSON.stringify(text)} is not a remote function name such as "Cache.put".`);
  }
  return ref;
}

export const STRATEGIES = ["one_for_one", "one_for_all", "rest_for_one"] as const;
export const RESTART_TYPES = ["permanent", "transient", "temporary"] as const;
export const REQUIREMENT_KINDS = [
  "strategy",
  "restart_type",
  "intensity",
  "concurrency_limit",
  "expiry",
  "registry",
  "crash_isolation",
  "group_restart",
  "ordered_restart",
  "escalation",
] as const;

export type Strategy = (typeof STRATEGIES)[number];
export type RestartType = (typeof RESTART_TYPES)[number];
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];

/**
 * A supervisor in the live tree: the top one, one registered under a name
 * (`{ name: "Chat.RoomSupervisor" }`), or a child supervisor found by its child
 * id under another supervisor.
 */
export type SupervisorRef = "top" | { name: string } | { parent: SupervisorRef; id: string };

/**
 * A process in the live tree: registered under a name, a child of a
 * supervisor by child id (an Elixir literal, e.g. `"Shop.Repo"` or
 * `"{Pool.Connection, 2}"`), or registered in a `Registry` under a key.
 */
export type ProcessRef = { name: string } | { supervisor: SupervisorRef; id: string } | { registry: string; key: string };

/** A call into the skeleton's public API: `fn` is `"Module.fun"`, args are Elixir literals. */
export interface ApiCall {
  fn: string;
  args?: string[];
}

interface RequirementBase {
  /** Unique within its problem, e.g. "strategy-top". */
  id: string;
  /** One sentence a person (or a model reading feedback) understands. */
  description: string;
  /** API calls made on the fresh tree before the check (e.g. start two rooms). */
  setup?: ApiCall[];
  /** Start options for this check instead of the problem's (an Elixir keyword list). */
  startOptions?: string;
}

export type DesignRequirement = RequirementBase &
  (
    | { kind: "strategy"; supervisor: SupervisorRef; strategy: Strategy }
    | { kind: "restart_type"; process: ProcessRef; restart: RestartType }
    | { kind: "intensity"; supervisor: SupervisorRef; maxRestarts: number; maxSeconds: number }
    | {
        kind: "concurrency_limit";
        supervisor: SupervisorRef;
        limit: number;
        /** `"Module.fun"` called with 1, 2, … limit+2 to ask for more children than allowed; omit for a fixed pool. */
        start?: string;
      }
    | {
        kind: "expiry";
        /** Called right after setup (must return `present`) and then repeatedly until it returns `absent`. */
        probe: ApiCall;
        present: string;
        absent: string;
        /** Deadline for `absent` to show up; generous, the timer itself is set short by the start options. */
        withinMs: number;
      }
    | {
        kind: "registry";
        registry: string;
        /** `"Module.fun"` called with each key (twice) to obtain the per-key process. */
        ensure: string;
        keys: string[];
        /** When given, every per-key process must be a child of this supervisor. */
        supervisor?: SupervisorRef;
      }
    | { kind: "crash_isolation"; kill: ProcessRef; restarted: boolean; survivors: ProcessRef[] }
    | { kind: "group_restart"; kill: ProcessRef; group: ProcessRef[] }
    | { kind: "ordered_restart"; supervisor: SupervisorRef; order: string[]; kill: string }
    | {
        kind: "escalation";
        supervisor: SupervisorRef;
        kill: ProcessRef;
        crashes: number;
        expect: "exits" | "survives";
        unaffected?: ProcessRef[];
      }
  );

export interface DesignProblem {
  /** Stable id, e.g. "query-cache". */
  id: string;
  title: string;
  /** Groups problems in eval reports, e.g. "restart-strategy". */
  category: string;
  /** The system to build, in a user's words: what it must do and how it must fail. */
  story: string;
  /** Names the checker relies on: modules, registered names, API functions and start options. */
  contract: string;
  /** Module of the top supervisor; the skeleton must define it with `start_link/1`. */
  topModule: string;
  /** Elixir keyword list passed to `start_link/1` during checks (short timers etc.). */
  startOptions: string;
  requirements: DesignRequirement[];
  /** Hand-written answer that scores 1.0 on this problem. */
  reference: { architecture: string; skeleton: string };
}

// ---- schemas for problems read from files ------------------------------------

const literal = (where: string) =>
  z.string().superRefine((s, ctx) => {
    try {
      assertElixirLiteral(s, where);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
    }
  });

const alias = (where: string) =>
  z.string().superRefine((s, ctx) => {
    try {
      assertAlias(s, where);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
    }
  });

const functionRef = (where: string) =>
  z.string().superRefine((s, ctx) => {
    try {
      parseFunctionRef(s, where);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
    }
  });

export const SupervisorRefSchema: z.ZodType<SupervisorRef> = z.lazy(() =>
  z.union([z.literal("top"), z.object({ name: alias("supervisor name") }), z.object({ parent: SupervisorRefSchema, id: literal("child id") })]),
);

export const ProcessRefSchema: z.ZodType<ProcessRef> = z.union([
  z.object({ name: alias("process name") }),
  z.object({ supervisor: SupervisorRefSchema, id: literal("child id") }),
  z.object({ registry: alias("registry name"), key: literal("registry key") }),
]);

const ApiCallSchema = z.object({ fn: functionRef("fn"), args: z.array(literal("argument")).optional() });

const base = {
  id: z.string().min(1),
  description: z.string().min(1),
  setup: z.array(ApiCallSchema).optional(),
  startOptions: literal("startOptions").optional(),
};

export const DesignRequirementSchema: z.ZodType<DesignRequirement> = z.discriminatedUnion("kind", [
  z.object({ ...base, kind: z.literal("strategy"), supervisor: SupervisorRefSchema, strategy: z.enum(STRATEGIES) }),
  z.object({ ...base, kind: z.literal("restart_type"), process: ProcessRefSchema, restart: z.enum(RESTART_TYPES) }),
  z.object({
    ...base,
    kind: z.literal("intensity"),
    supervisor: SupervisorRefSchema,
    maxRestarts: z.number().int().nonnegative(),
    maxSeconds: z.number().int().positive(),
  }),
  z.object({
    ...base,
    kind: z.literal("concurrency_limit"),
    supervisor: SupervisorRefSchema,
    limit: z.number().int().positive().max(1000),
    start: functionRef("start").optional(),
  }),
  z.object({
    ...base,
    kind: z.literal("expiry"),
    probe: ApiCallSchema,
    present: literal("present"),
    absent: literal("absent"),
    withinMs: z.number().int().positive().max(60_000),
  }),
  z.object({
    ...base,
    kind: z.literal("registry"),
    registry: alias("registry"),
    ensure: functionRef("ensure"),
    keys: z.array(literal("key")).min(2),
    supervisor: SupervisorRefSchema.optional(),
  }),
  z.object({ ...base, kind: z.literal("crash_isolation"), kill: ProcessRefSchema, restarted: z.boolean(), survivors: z.array(ProcessRefSchema) }),
  z.object({ ...base, kind: z.literal("group_restart"), kill: ProcessRefSchema, group: z.array(ProcessRefSchema).min(1) }),
  z.object({
    ...base,
    kind: z.literal("ordered_restart"),
    supervisor: SupervisorRefSchema,
    order: z.array(literal("child id")).min(2),
    kill: literal("child id"),
  }),
  z.object({
    ...base,
    kind: z.literal("escalation"),
    supervisor: SupervisorRefSchema,
    kill: ProcessRefSchema,
    crashes: z.number().int().positive().max(50),
    expect: z.enum(["exits", "survives"]),
    unaffected: z.array(ProcessRefSchema).optional(),
  }),
]);

export const DesignProblemSchema: z.ZodType<DesignProblem> = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and dashes"),
    title: z.string().min(1),
    category: z.string().min(1),
    story: z.string().min(1),
    contract: z.string().min(1),
    topModule: alias("topModule"),
    startOptions: literal("startOptions"),
    requirements: z.array(DesignRequirementSchema).min(1),
    reference: z.object({ architecture: z.string(), skeleton: z.string() }),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    for (const r of p.requirements) {
      if (seen.has(r.id)) ctx.addIssue({ code: "custom", message: `requirement id "${r.id}" appears twice` });
      seen.add(r.id);
      if (r.kind === "ordered_restart" && !r.order.includes(r.kill)) {
        ctx.addIssue({ code: "custom", message: `requirement "${r.id}": kill ${r.kill} is not in its order list` });
      }
    }
  });
