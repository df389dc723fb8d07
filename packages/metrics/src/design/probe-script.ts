// Builds the Elixir script that checks one skeleton against one design
// problem: a call of the probe (priv/design_probe/*.ex, project code, preloaded
// in the pool or else shipped before the call) with the problem's requirements
// rendered as Elixir data. The script runs in
// the skeleton's sandboxed job under the same policy, so calls into the
// skeleton are rendered as closures with literal module names (the policy
// refuses calls on a module held in a variable). Every piece of a problem that
// lands in the script is validated as a plain literal or a module/function
// name first, so a problem read from a file cannot add code of its own.
import { readFileSync } from "node:fs";
import {
  assertAlias,
  assertElixirLiteral,
  assertElixirPattern,
  parseFunctionRef,
  type ApiCall,
  type IndexedCall,
  type ScenarioStep,
  type DesignProblem,
  type DesignRequirement,
  type ProcessRef,
  type SupervisorRef,
} from "@otpforge/otp-signatures";
import type { JobRunner, Preload, SourceFile } from "@otpforge/beam";
import type { TopCandidate } from "./top-candidates.js";

/** Timing knobs of the probe. Waits poll for a condition; these are deadlines, not sleeps. */
export interface ProbeTiming {
  /** Deadline for `start_link` to return. */
  startTimeoutMs: number;
  /** How long a fresh tree must stay up, and how long a process that must stay down is watched. */
  settleMs: number;
  /** Deadline for a killed process to come back with a new pid. */
  restartWaitMs: number;
  /** Deadline for one call into the skeleton's API. */
  callTimeoutMs: number;
}

export const DEFAULT_PROBE_TIMING: ProbeTiming = {
  startTimeoutMs: 5_000,
  settleMs: 150,
  restartWaitMs: 3_000,
  callTimeoutMs: 3_000,
};

// The probe's Elixir lives in the package's priv/design_probe/ (one level above src/ and dist/).
const PROBE_DIR = new URL("../../priv/design_probe/", import.meta.url);
const PROBE_FILES = ["tree.ex", "observe.ex", "steps.ex", "behaviour.ex", "checks.ex", "cleanup.ex", "run.ex"];
let probeFiles: SourceFile[] | undefined;

/** The probe modules (OtpForge.DesignProbe.*), read once. */
export function designProbeFiles(): SourceFile[] {
  probeFiles ??= PROBE_FILES.map((f) => ({ name: f, source: readFileSync(new URL(f, PROBE_DIR), "utf8") }));
  return probeFiles;
}

/** The name of the design probe's preload: a runner whose `preloads` has it checks without shipping the probe. */
export const DESIGN_PROBE_PRELOAD = "otpforge.design-probe";

/**
 * The design probe as a preload for createPool({ preload: [designProbePreload()] }). It is
 * sandboxed: it passes the sandbox policy like the skeleton it checks (it needs nothing the
 * policy refuses, so model code gets no trusted path through it), and a skeleton can neither
 * redefine nor shadow it (job code may not define OtpForge.* modules).
 */
export function designProbePreload(): Preload {
  return { name: DESIGN_PROBE_PRELOAD, files: designProbeFiles(), access: "sandboxed" };
}

/** Does this runner have the probe preloaded? */
export function hasProbePreload(runner: JobRunner): boolean {
  return runner.preloads?.includes(DESIGN_PROBE_PRELOAD) ?? false;
}

// Without the preload the probe's source goes into every job's script, where it is job code:
// job code may not define OtpForge.* modules, so the shipped copy takes a job name of its own.
// (A skeleton may define modules of that name first; the script's definitions replace them.)
const SHIPPED = "OtpforgeShippedDesignProbe";
let shippedSource: string | undefined;

/** The probe modules as the script of a job on a runner without the preload (renamed, see SHIPPED). */
export function probeModulesSource(): string {
  shippedSource ??= designProbeFiles()
    .map((f) => f.source.replace(/\bOtpForge\.DesignProbe\b/g, SHIPPED))
    .join("\n");
  return shippedSource;
}

/** How a script reaches the probe: preloaded, or shipped in the script under SHIPPED. */
export interface ProbeDelivery {
  preloaded: boolean;
}

function probeHead(delivery: ProbeDelivery): { prelude: string; entry: string } {
  return delivery.preloaded ? { prelude: "", entry: "OtpForge.DesignProbe" } : { prelude: `${probeModulesSource()}\n`, entry: SHIPPED };
}

/** The whole probe script: the call `OtpForge.DesignProbe.run(config)` (with the modules before it when not preloaded). */
export function buildProbeScript(
  problem: DesignProblem,
  candidates: TopCandidate[],
  timing: ProbeTiming = DEFAULT_PROBE_TIMING,
  delivery: ProbeDelivery = { preloaded: true },
): string {
  const { prelude, entry } = probeHead(delivery);
  return `${prelude}${entry}.run(${renderConfig(problem, candidates, timing)})\n`;
}

/**
 * One probe script for several skeletons compiled into the same job (see
 * verify-batch.ts): the probe runs each problem's checks in turn and returns
 * the list of reports, in order.
 */
export function buildBatchProbeScript(
  entries: Array<{ problem: DesignProblem; candidates: TopCandidate[] }>,
  timing: ProbeTiming = DEFAULT_PROBE_TIMING,
  delivery: ProbeDelivery = { preloaded: true },
): string {
  const { prelude, entry } = probeHead(delivery);
  const runs = entries.map((e) => `${entry}.run(${renderConfig(e.problem, e.candidates, timing)})`);
  return `${prelude}[\n${runs.join(",\n")}\n]\n`;
}

/** The probe's config map as Elixir source. */
export function renderConfig(problem: DesignProblem, candidates: TopCandidate[], timing: ProbeTiming): string {
  const where = `design problem "${problem.id}"`;
  const top = assertAlias(problem.topModule, `${where}: topModule`);
  const tops = [
    renderTop({ kind: "supervisor", module: top }, "convention"),
    ...candidates
      .filter((c) => c.module !== top)
      .map((c) => renderTop({ kind: c.kind, module: assertAlias(c.module, `${where}: candidate`) }, "fallback")),
  ];
  return [
    "%{",
    `  tops: [\n    ${tops.join(",\n    ")}\n  ],`,
    `  start_opts: ${assertElixirLiteral(problem.startOptions, `${where}: startOptions`)},`,
    `  start_timeout_ms: ${int(timing.startTimeoutMs)},`,
    `  settle_ms: ${int(timing.settleMs)},`,
    `  restart_wait_ms: ${int(timing.restartWaitMs)},`,
    `  call_timeout_ms: ${int(timing.callTimeoutMs)},`,
    "  requirements: [",
    problem.requirements.map((r) => `    ${renderRequirement(r, `${where}, requirement "${r.id}"`)}`).join(",\n"),
    "  ]",
    "}",
  ].join("\n");
}

function renderRequirement(r: DesignRequirement, where: string): string {
  const fields: string[] = [`id: ${elixirString(r.id)}`, `kind: :${r.kind}`];
  if (r.setup?.length) fields.push(`setup: [${r.setup.map((c) => call(c, where)).join(", ")}]`);
  if (r.startOptions !== undefined) fields.push(`start_opts: ${assertElixirLiteral(r.startOptions, `${where}: startOptions`)}`);
  switch (r.kind) {
    case "strategy":
      fields.push(`sup: ${supRef(r.supervisor, where)}`, `expect: :${r.strategy}`);
      break;
    case "restart_type":
      fields.push(`proc: ${procRef(r.process, where)}`, `expect: :${r.restart}`);
      break;
    case "intensity":
      fields.push(`sup: ${supRef(r.supervisor, where)}`, `max_restarts: ${int(r.maxRestarts)}`, `max_seconds: ${int(r.maxSeconds)}`);
      break;
    case "concurrency_limit": {
      if (r.start) parseFunctionRef(r.start, `${where}: start`);
      fields.push(
        `sup: ${supRef(r.supervisor, where)}`,
        `limit: ${int(r.limit)}`,
        `start: ${r.start ? unaryCall(r.start) : "nil"}`,
        `worker: ${r.worker ? assertAlias(r.worker, `${where}: worker`) : "nil"}`,
      );
      break;
    }
    case "expiry":
      // Expiry is a scenario: present at once, absent within the deadline,
      // and still absent a while later (an entry that comes back, or a
      // process that restarts empty in a loop, is no expiry).
      assertElixirLiteral(r.present, `${where}: present`);
      assertElixirLiteral(r.absent, `${where}: absent`);
      fields.push(
        `steps: ${renderSteps(
          [
            { call: r.probe, expect: r.present },
            { call: r.probe, eventually: r.absent, withinMs: r.withinMs },
            { call: r.probe, stays: r.absent, forMs: Math.min(r.withinMs, 1000) },
          ],
          where,
        )}`,
        "stable: []",
      );
      break;
    case "scenario":
      fields.push(`steps: ${renderSteps(r.steps, where)}`, `stable: ${procList(r.stable ?? [], where)}`);
      break;
    case "concurrent_calls": {
      const replies = (r.replies ?? []).map(
        (q) => `%{pattern: ${matcher(q.match, where)}, count: ${optInt(q.count)}, min: ${optInt(q.min)}, max: ${optInt(q.max)}}`,
      );
      const pids = r.okPids
        ? `%{min: ${optInt(r.okPids.min)}, max: ${optInt(r.okPids.max)}, same: ${r.okPids.same === true}, distinct: ${r.okPids.distinct === true}}`
        : "nil";
      const running = r.running
        ? `%{sup: ${supRef(r.running.supervisor, where)}, worker: ${r.running.worker ? assertAlias(r.running.worker, `${where}: worker`) : "nil"}, min: ${optInt(r.running.min)}, max: ${optInt(r.running.max)}}`
        : "nil";
      fields.push(
        `clients: ${int(r.clients)}`,
        `call: ${indexedCall(r.call, where)}`,
        `replies: [${replies.join(", ")}]`,
        `ok_pids: ${pids}`,
        `running: ${running}`,
        `then: ${renderSteps(r.then ?? [], where)}`,
      );
      break;
    }
    case "hang":
    case "slow_dependency":
      fields.push(
        `target: ${procRef(r.target, where)}`,
        `hold_ms: ${int(r.holdMs)}`,
        `survivors: ${procList(r.survivors, where)}`,
        `during: ${renderSteps(r.during ?? [], where)}`,
        `after: ${renderSteps(r.after ?? [], where)}`,
      );
      break;
    case "normal_exit":
      fields.push(
        `proc: ${procRef(r.process, where)}`,
        `restarted: ${r.restarted}`,
        `survivors: ${procList(r.survivors ?? [], where)}`,
        `then: ${renderSteps(r.then ?? [], where)}`,
      );
      break;
    case "repeated_escalation":
      fields.push(
        `sup: ${supRef(r.supervisor, where)}`,
        `kill: ${procRef(r.kill, where)}`,
        `crashes: ${int(r.crashes)}`,
        `rounds: ${int(r.rounds)}`,
        `parent: ${supRef(r.parent, where)}`,
        `unaffected: ${procList(r.unaffected ?? [], where)}`,
      );
      break;
    case "recovers_after_escalation":
      fields.push(
        `sup: ${supRef(r.supervisor, where)}`,
        `kill: ${procRef(r.kill, where)}`,
        `crashes: ${int(r.crashes)}`,
        `running: ${procList(r.running ?? [], where)}`,
        `then: ${renderSteps(r.then ?? [], where)}`,
      );
      break;
    case "latency":
      fields.push(
        `blocker: ${call(r.blocker, where)}`,
        `probe: ${call(r.probe, where)}`,
        `expect: ${r.expect !== undefined ? matcher(r.expect, where) : "nil"}`,
        `within_ms: ${int(r.withinMs)}`,
      );
      break;
    case "reclaims":
      fields.push(`fill: ${indexedCall(r.fill, where)}`, `count: ${int(r.count)}`, `within_ms: ${int(r.withinMs)}`);
      break;
    case "registry": {
      parseFunctionRef(r.ensure, `${where}: ensure`);
      fields.push(
        `registry: ${assertAlias(r.registry, `${where}: registry`)}`,
        `ensure: ${unaryCall(r.ensure)}`,
        `keys: [${r.keys.map((k) => assertElixirLiteral(k, `${where}: key`)).join(", ")}]`,
        `sup: ${r.supervisor ? supRef(r.supervisor, where) : "nil"}`,
      );
      break;
    }
    case "crash_isolation":
      fields.push(`kill: ${procRef(r.kill, where)}`, `restarted: ${r.restarted}`, `survivors: ${procList(r.survivors, where)}`);
      break;
    case "group_restart":
      fields.push(`kill: ${procRef(r.kill, where)}`, `group: ${procList(r.group, where)}`);
      break;
    case "ordered_restart":
      fields.push(
        `sup: ${supRef(r.supervisor, where)}`,
        `order: [${r.order.map((id) => assertElixirLiteral(id, `${where}: order`)).join(", ")}]`,
        `kill: ${assertElixirLiteral(r.kill, `${where}: kill`)}`,
      );
      break;
    case "escalation":
      fields.push(
        `sup: ${supRef(r.supervisor, where)}`,
        `kill: ${procRef(r.kill, where)}`,
        `crashes: ${int(r.crashes)}`,
        `expect: :${r.expect}`,
        `unaffected: ${procList(r.unaffected ?? [], where)}`,
      );
      break;
  }
  return `%{${fields.join(", ")}}`;
}

export function supRef(ref: SupervisorRef, where: string): string {
  if (ref === "top") return ":top";
  if ("name" in ref) return `{:name, ${assertAlias(ref.name, `${where}: supervisor name`)}}`;
  return `{:child, ${supRef(ref.parent, where)}, ${assertElixirLiteral(ref.id, `${where}: child id`)}}`;
}

function procRef(ref: ProcessRef, where: string): string {
  if ("name" in ref) return `{:name, ${assertAlias(ref.name, `${where}: process name`)}}`;
  if ("registry" in ref) {
    return `{:registry, ${assertAlias(ref.registry, `${where}: registry`)}, ${assertElixirLiteral(ref.key, `${where}: registry key`)}}`;
  }
  return `{:child, ${supRef(ref.supervisor, where)}, ${assertElixirLiteral(ref.id, `${where}: child id`)}}`;
}

function procList(refs: ProcessRef[], where: string): string {
  return `[${refs.map((p) => procRef(p, where)).join(", ")}]`;
}

/** `{"Cache.put(1, 2)", fn -> Cache.put(1, 2) end}`: the text for feedback and the call itself. */
export function call(c: ApiCall, where: string): string {
  parseFunctionRef(c.fn, `${where}: fn`);
  const args = (c.args ?? []).map((a) => assertElixirLiteral(a, `${where}: argument of ${c.fn}`));
  const text = `${c.fn}(${args.join(", ")})`;
  return `{${elixirString(text)}, fn -> ${text} end}`;
}

/**
 * Scenario steps as Elixir tuples the probe runs in order:
 * `{:call, text, fun, matcher | nil}`, `{:eventually, text, fun, matcher, ms}`,
 * `{:stays, text, fun, matcher, ms}`, `{:wait, ms}`, `{:kill, ref}`, `{:running, ref, ms}`.
 */
function renderSteps(steps: ScenarioStep[], where: string): string {
  const one = (s: ScenarioStep): string => {
    if ("waitMs" in s) return `{:wait, ${int(s.waitMs)}}`;
    if ("kill" in s) return `{:kill, ${procRef(s.kill, where)}}`;
    if ("running" in s) return `{:running, ${procRef(s.running, where)}, ${int(s.withinMs)}}`;
    const c = call(s.call, where).slice(1, -1);
    if ("eventually" in s) return `{:eventually, ${c}, ${matcher(s.eventually, where)}, ${int(s.withinMs)}}`;
    if ("stays" in s) return `{:stays, ${c}, ${matcher(s.stays, where)}, ${int(s.forMs)}}`;
    return `{:call, ${c}, ${s.expect !== undefined ? matcher(s.expect, where) : "nil"}}`;
  };
  return `[${steps.map(one).join(", ")}]`;
}

/** `{"{:ok, _}", fn v -> match?({:ok, _}, v) end}`: a pattern's text and a function that tests a reply against it. */
export function matcher(pattern: string, where: string): string {
  const p = assertElixirPattern(pattern, `${where}: pattern`);
  return `{${elixirString(p)}, fn v -> match?(${p}, v) end}`;
}

/** `{"Limiter.hit(\"c<i>\")", fn i -> Limiter.hit("c" <> Integer.to_string(i)) end}`: call number i. */
export function indexedCall(c: IndexedCall, where: string): string {
  parseFunctionRef(c.fn, `${where}: fn`);
  const args = (c.args ?? []).map((a) => assertElixirLiteral(a, `${where}: argument of ${c.fn}`));
  const shown = [...args];
  const code = [...args];
  if (c.index) {
    if (!/^[A-Za-z0-9_:./-]*$/.test(c.index.prefix))
      throw new RangeError(`${where}: index prefix ${JSON.stringify(c.index.prefix)} has characters other than letters, digits and _:./-`);
    const at = Math.min(c.index.at ?? args.length, args.length);
    shown.splice(at, 0, `"${c.index.prefix}<i>"`);
    code.splice(at, 0, `(${elixirString(c.index.prefix)} <> Integer.to_string(i))`);
  }
  return `{${elixirString(`${c.fn}(${shown.join(", ")})`)}, fn ${c.index ? "i" : "_i"} -> ${c.fn}(${code.join(", ")}) end}`;
}

export function optInt(n: number | undefined): string {
  return n === undefined ? "nil" : int(n);
}

/** `{"Chat.ensure_room", fn arg -> Chat.ensure_room(arg) end}` for a function the probe calls with one value. */
function unaryCall(fn: string): string {
  return `{${elixirString(fn)}, fn arg -> ${fn}(arg) end}`;
}

/** One way to start the system, resolved at run time (whether the module exists, which arity). */
function renderTop(c: TopCandidate, via: "convention" | "fallback"): string {
  const m = c.module;
  if (c.kind === "application") {
    return `%{module: ${elixirString(m)}, via: "${via}", defined: function_exported?(${m}, :start, 2), label: ${elixirString(`${m}.start/2`)}, start: fn opts -> ${m}.start(:normal, opts) end}`;
  }
  const arity1 = `function_exported?(${m}, :start_link, 1)`;
  return (
    `%{module: ${elixirString(m)}, via: "${via}", defined: ${arity1} or function_exported?(${m}, :start_link, 0), ` +
    `label: if(${arity1}, do: ${elixirString(`${m}.start_link/1`)}, else: ${elixirString(`${m}.start_link/0`)}), ` +
    `start: fn opts -> if ${arity1}, do: ${m}.start_link(opts), else: ${m}.start_link() end}`
  );
}

export function int(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative integer, got ${n}`);
  return String(n);
}

/** An Elixir string literal for arbitrary text (no interpolation survives). */
export function elixirString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/#\{/g, "\\#{")}"`;
}
