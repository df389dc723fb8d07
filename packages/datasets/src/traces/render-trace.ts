// `event_trace`: the stimuli System applies, one line each, and for cut-off
// questions the events observed on the BEAM up to the cut-off.
import { renderLit } from "@otpforge/otp-signatures";
import type { ObservedEvent } from "./observe-world.js";
import { SUPERVISOR_MODULE } from "./render-code.js";
import type { Step, World } from "./world.js";

export const TRACE_CONVENTIONS =
  "# System runs the steps in order. Before each step it waits until the step's time T and until every process\n" +
  "# is waiting with an empty mailbox (a process blocked inside a GenServer.call counts as waiting).\n" +
  "# A GenServer.call blocks System until it returns; System catches the exits of its calls.";

export function pidVar(name: string): string {
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}_pid`;
}

export function stepCode(step: Step): string {
  if (step.op === "kill") return `Process.exit(Process.whereis(${step.target}), :kill)`;
  const to = step.via === "stale_pid" ? pidVar(step.target) : step.target;
  const msg = renderLit(step.msg);
  if (step.op === "send") return `send(${to}, ${msg})`;
  return `GenServer.${step.op}(${to}, ${msg})`;
}

export function renderStepLine(step: Step, index: number): string {
  const head = `T=${step.at}ms (step ${index}): `;
  const noWait = step.wait ? "" : "   [System does not wait before the next step]";
  if (step.op === "kill") return `${head}System kills ${step.target}: ${stepCode(step)}${noWait}`;
  const who = step.via === "stale_pid" ? `${step.target} (the pid saved at start)` : step.target;
  return `${head}System -> ${who}: ${stepCode(step)}${noWait}`;
}

function startLines(world: World): string[] {
  const lines: string[] = [];
  const sup = world.supervisor;
  if (sup) {
    lines.push(
      `T=0ms: System (trapping exits) starts ${SUPERVISOR_MODULE}.start_link(:ok): strategy :${sup.strategy}, ` +
        `max_restarts ${sup.maxRestarts}, max_seconds ${sup.maxSeconds}, children ${sup.children.join(", ")}`,
    );
  }
  for (const p of world.processes) {
    if (sup?.children.includes(p.name)) continue;
    lines.push(
      `T=0ms: System starts ${p.name}: GenServer.start(${p.name}, ${renderLit(p.initial)}, name: ${p.name}) (not linked, not supervised)`,
    );
  }
  if (world.schedule.some((s) => s.op !== "kill" && s.via === "stale_pid")) {
    const saved = world.processes.map((p) => `${pidVar(p.name)} = Process.whereis(${p.name})`).join("; ");
    lines.push(`T=0ms: System saves the pids: ${saved}`);
  }
  return lines;
}

/** A short line for an observed event (cut-off traces). */
export function eventLine(ev: ObservedEvent): string {
  const cb = ev.cb === "info" ? "message" : ev.cb;
  switch (ev.type) {
    case "init":
      return ev.proc === SUPERVISOR_MODULE
        ? `${ev.proc} starts`
        : (ev.n ?? 0) === 0
          ? `${ev.proc} starts with state ${ev.state}`
          : `${ev.proc} is restarted with state ${ev.state}`;
    case "handle": {
      if (ev.ok === false) return `${ev.proc} crashes while handling ${cb} ${ev.msg} (${ev.reason})`;
      const parts = [`${ev.proc} handles ${cb} ${ev.msg}`];
      if (ev.before !== undefined && ev.after !== undefined && ev.before !== ev.after) parts.push(`state ${ev.before} -> ${ev.after}`);
      if (ev.reply !== undefined) parts.push(`replies ${ev.reply}`);
      if (ev.stop !== undefined) parts.push(`stops with reason ${ev.stop}`);
      return parts.length === 1 ? parts[0] : `${parts[0]} (${parts.slice(1).join(", ")})`;
    }
    case "exit":
      return `${ev.proc} exits (${ev.reason})`;
    case "lost":
      return `${cb} ${ev.msg} is lost with ${ev.proc}'s mailbox`;
  }
}

export interface TraceCutoff {
  /** Observed events are shown for steps 1..afterStep. */
  afterStep: number;
  events: readonly ObservedEvent[];
}

export function renderEventTrace(world: World, cutoff?: TraceCutoff): string {
  const lines = [TRACE_CONVENTIONS, ...startLines(world)];
  world.schedule.forEach((step, i) => {
    const index = i + 1;
    lines.push(renderStepLine(step, index));
    if (cutoff && index <= cutoff.afterStep) {
      for (const ev of cutoff.events) if (ev.seg === index) lines.push(`    observed: ${eventLine(ev)}`);
      if (index === cutoff.afterStep) lines.push(`--- cut-off: nothing observed from step ${index + 1} on is shown ---`);
    }
  });
  lines.push(`T=${world.endAt}ms: System stops and inspects the processes`);
  return lines.join("\n");
}
