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
  "scenario",
  "concurrent_calls",
  "hang",
  "slow_dependency",
  "normal_exit",
  "repeated_escalation",
  "recovers_after_escalation",
  "latency",
  "reclaims",
] as const;

/**
 * Kinds that exercise what the system does (calls through its API, faults
 * other than one kill of an idle process) rather than how the tree is shaped;
 * a design that fails one of them breaks its story (see the design metric's score).
 */
export const BEHAVIOURAL_KINDS: readonly RequirementKind[] = [
  "expiry",
  "scenario",
  "concurrent_calls",
  "hang",
  "slow_dependency",
  "normal_exit",
  "repeated_escalation",
  "recovers_after_escalation",
  "latency",
  "reclaims",
];

export type Strategy = (typeof STRATEGIES)[number];
export type RestartType = (typeof RESTART_TYPES)[number];
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];

/**
 * A supervisor in the live tree: the top one, one registered under a name
 * (`{ name: "Chat.RoomSupervisor" }`), or a child supervisor found by its child
 * id under another supervisor.
 */
/** A concurrent_calls requirement's explored variant (see its `explore` field). */
export interface ConcurrentExplore {
  clients: number;
  /** Calls made one after the other before the clients start (e.g. to bring a limit within reach of few clients). */
  setup?: ApiCall[];
  replies?: Array<{ match: string; count?: number; min?: number; max?: number }>;
  okPids?: { min?: number; max?: number; same?: boolean; distinct?: boolean };
  running?: { supervisor: SupervisorRef; worker?: string; min?: number; max?: number };
  /** The search's bound (default 2000 schedules); a search cut by it is reported, not failed. */
  maxSchedules?: number;
}

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

/** Asserts `text` is an Elixir pattern: a plain literal in which `_` stands for any value, e.g. `{:ok, _}`. */
export function assertElixirPattern(text: string, where: string): string {
  if (!isElixirLiteral(text.replace(/(?<![\w:"])_(?!\w)/g, "nil"))) {
    throw new InvalidDesignProblemError(
      `${where}: ${JSON.stringify(text)} is not a pattern (a plain Elixir literal in which \`_\` stands for any value, e.g. "{:ok, _}").`,
    );
  }
  return text;
}

/**
 * A call made many times (by concurrent clients, or to fill a store): call
 * number i gets the string `"<prefix>i"` inserted among its arguments at
 * `indexAt` (default: after the others), so each call can use its own key.
 */
export interface IndexedCall {
  fn: string;
  args?: string[];
  /** Omit to give every call the same arguments. */
  index?: { prefix: string; at?: number };
}

/**
 * One step of a timed scenario against the live tree. A reply is compared
 * with a pattern (a literal where `_` matches anything).
 */
export type ScenarioStep =
  /** Call once; when `expect` is given the reply must match it. */
  | { call: ApiCall; expect?: string }
  /** Call repeatedly until the reply matches, within the deadline. */
  | { call: ApiCall; eventually: string; withinMs: number }
  /** Call repeatedly for `forMs`: every reply must match (a state that must persist). */
  | { call: ApiCall; stays: string; forMs: number }
  /** Let time pass (timers run in the skeleton meanwhile). */
  | { waitMs: number }
  /** Kill a process (exit reason :kill) and wait until it is dead. */
  | { kill: ProcessRef }
  /** Wait until a process is registered again (with any pid). */
  | { running: ProcessRef; withinMs: number };

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
        /** Count only workers of this module (at any depth under the supervisor); default every worker. */
        worker?: string;
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
    | {
        kind: "scenario";
        steps: ScenarioStep[];
        /** Processes that must keep their pids through the scenario (every supervisor of the tree must anyway). */
        stable?: ProcessRef[];
      }
    | {
        kind: "concurrent_calls";
        /** How many clients call at once (each from its own process, released together). */
        clients: number;
        call: IndexedCall;
        /** How many replies must match each pattern (`count` exactly, or between `min` and `max`). */
        replies?: Array<{ match: string; count?: number; min?: number; max?: number }>;
        /** About the pids in `{:ok, pid}` replies: how many, and whether they are all one process or all different. */
        okPids?: { min?: number; max?: number; same?: boolean; distinct?: boolean };
        /** Worker processes running under a supervisor (at any depth) after the calls. */
        running?: { supervisor: SupervisorRef; worker?: string; min?: number; max?: number };
        /** Steps run after the calls (e.g. what the state holds now). */
        then?: ScenarioStep[];
        /**
         * The same calls by fewer clients under the explorer, which must hold in every
         * interleaving (the plain run shows one). Fields left out keep the requirement's own;
         * give the reply counts and limits that fit the smaller number of clients.
         */
        explore?: ConcurrentExplore;
      }
    | {
        kind: "hang" | "slow_dependency";
        /** The process suspended (it stops handling messages) for `holdMs`, longer than a call timeout. */
        target: ProcessRef;
        holdMs: number;
        /** Processes that must keep their pids throughout. */
        survivors: ProcessRef[];
        /** Steps run while the target is suspended (the rest of the system must still answer). */
        during?: ScenarioStep[];
        /** Steps run after the hold: for `hang` the target is still suspended, for `slow_dependency` it has been resumed. */
        after?: ScenarioStep[];
      }
    | {
        kind: "normal_exit";
        /** Stopped with reason :normal (as a finished or closed process stops). */
        process: ProcessRef;
        restarted: boolean;
        survivors?: ProcessRef[];
        then?: ScenarioStep[];
      }
    | {
        kind: "repeated_escalation";
        /** The supervisor that gives up each round (it must come back each time). */
        supervisor: SupervisorRef;
        kill: ProcessRef;
        /** Crashes per round: enough to exceed the supervisor's intensity. */
        crashes: number;
        rounds: number;
        /** The supervisor above, which must absorb every round and keep its pid. */
        parent: SupervisorRef;
        unaffected?: ProcessRef[];
      }
    | {
        kind: "recovers_after_escalation";
        supervisor: SupervisorRef;
        kill: ProcessRef;
        crashes: number;
        /** Processes that must be running again (with new pids) after the supervisor came back. */
        running?: ProcessRef[];
        then?: ScenarioStep[];
      }
    | {
        kind: "latency";
        /** Started first, from its own client; it may block (or never return). */
        blocker: ApiCall;
        /** Called by another client while the blocker is in flight: must return within `withinMs`. */
        probe: ApiCall;
        expect?: string;
        withinMs: number;
      }
    | {
        kind: "reclaims";
        /** Called `count` times (each with its own key) to fill the system. */
        fill: IndexedCall;
        count: number;
        /** Deadline for memory (the tree's processes, ETS, persistent terms) to be back near the level before the fill. */
        withinMs: number;
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
  z.union([
    z.literal("top"),
    z.object({ name: alias("supervisor name") }),
    z.object({ parent: SupervisorRefSchema, id: literal("child id") }),
  ]),
);

export const ProcessRefSchema: z.ZodType<ProcessRef> = z.union([
  z.object({ name: alias("process name") }),
  z.object({ supervisor: SupervisorRefSchema, id: literal("child id") }),
  z.object({ registry: alias("registry name"), key: literal("registry key") }),
]);

const ApiCallSchema = z.object({ fn: functionRef("fn"), args: z.array(literal("argument")).optional() });

const pattern = (where: string) =>
  z.string().superRefine((s, ctx) => {
    try {
      assertElixirPattern(s, where);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
    }
  });

const IndexedCallSchema = z.object({
  fn: functionRef("fn"),
  args: z.array(literal("argument")).optional(),
  index: z
    .object({
      prefix: z.string().regex(/^[A-Za-z0-9_:./-]*$/, "letters, digits and _:./- only"),
      at: z.number().int().nonnegative().optional(),
    })
    .optional(),
});

const ms = z.number().int().positive().max(60_000);

export const ScenarioStepSchema: z.ZodType<ScenarioStep> = z.union([
  z.object({ call: ApiCallSchema, eventually: pattern("eventually"), withinMs: ms }).strict(),
  z.object({ call: ApiCallSchema, stays: pattern("stays"), forMs: ms }).strict(),
  z.object({ call: ApiCallSchema, expect: pattern("expect").optional() }).strict(),
  z.object({ waitMs: ms }).strict(),
  z.object({ kill: ProcessRefSchema }).strict(),
  z.object({ running: ProcessRefSchema, withinMs: ms }).strict(),
]);

const steps = z.array(ScenarioStepSchema);

/** What a concurrent_calls requirement asserts about its calls (the requirement's and its explored variant's). */
const count = z.number().int().nonnegative().optional();
const concurrentChecks = {
  replies: z.array(z.object({ match: pattern("reply"), count, min: count, max: count })).optional(),
  okPids: z.object({ min: count, max: count, same: z.boolean().optional(), distinct: z.boolean().optional() }).optional(),
  running: z.object({ supervisor: SupervisorRefSchema, worker: alias("worker module").optional(), min: count, max: count }).optional(),
};

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
    worker: alias("worker module").optional(),
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
  z.object({
    ...base,
    kind: z.literal("crash_isolation"),
    kill: ProcessRefSchema,
    restarted: z.boolean(),
    survivors: z.array(ProcessRefSchema),
  }),
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
  z.object({ ...base, kind: z.literal("scenario"), steps: steps.min(1), stable: z.array(ProcessRefSchema).optional() }),
  z.object({
    ...base,
    kind: z.literal("concurrent_calls"),
    clients: z.number().int().min(2).max(200),
    call: IndexedCallSchema,
    ...concurrentChecks,
    then: steps.optional(),
    explore: z
      .object({
        clients: z.number().int().min(2).max(8),
        setup: z.array(ApiCallSchema).optional(),
        ...concurrentChecks,
        maxSchedules: z.number().int().positive().max(20_000).optional(),
      })
      .strict()
      .optional(),
  }),
  ...(["hang", "slow_dependency"] as const).map((kind) =>
    z.object({
      ...base,
      kind: z.literal(kind),
      target: ProcessRefSchema,
      holdMs: ms,
      survivors: z.array(ProcessRefSchema),
      during: steps.optional(),
      after: steps.optional(),
    }),
  ),
  z.object({
    ...base,
    kind: z.literal("normal_exit"),
    process: ProcessRefSchema,
    restarted: z.boolean(),
    survivors: z.array(ProcessRefSchema).optional(),
    then: steps.optional(),
  }),
  z.object({
    ...base,
    kind: z.literal("repeated_escalation"),
    supervisor: SupervisorRefSchema,
    kill: ProcessRefSchema,
    crashes: z.number().int().positive().max(20),
    rounds: z.number().int().min(2).max(20),
    parent: SupervisorRefSchema,
    unaffected: z.array(ProcessRefSchema).optional(),
  }),
  z.object({
    ...base,
    kind: z.literal("recovers_after_escalation"),
    supervisor: SupervisorRefSchema,
    kill: ProcessRefSchema,
    crashes: z.number().int().positive().max(20),
    running: z.array(ProcessRefSchema).optional(),
    then: steps.optional(),
  }),
  z.object({
    ...base,
    kind: z.literal("latency"),
    blocker: ApiCallSchema,
    probe: ApiCallSchema,
    expect: pattern("expect").optional(),
    withinMs: ms,
  }),
  z.object({ ...base, kind: z.literal("reclaims"), fill: IndexedCallSchema, count: z.number().int().min(10).max(20_000), withinMs: ms }),
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
