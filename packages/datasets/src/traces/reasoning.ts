// The step-by-step explanation of an example, written from the events observed
// on the BEAM (never from a prediction): usable as a teacher demonstration.
import { behaviour, findHandler } from "./behaviours.js";
import { renderLit } from "@otpforge/otp-signatures";
import type { ObservedEvent } from "./observe-world.js";
import type { QuestionSpec } from "./questions/spec.js";
import { SUPERVISOR_MODULE } from "./render-code.js";
import { pidVar } from "./render-trace.js";
import type { Step, World } from "./world.js";

export interface ReasoningInput {
  world: World;
  spec: QuestionSpec;
  events: readonly ObservedEvent[];
  answer: string;
  /** Step number → what the call returned (term text). */
  callResults: ReadonlyMap<number, string>;
  /** Distinct answers when runs disagreed (outcome-set questions). */
  outcomes?: string[];
}

const tagOf = (msgText: string | undefined): string | undefined => /^\{?:([a-z_][a-zA-Z0-9_]*)/.exec(msgText ?? "")?.[1];

function handlerDescription(world: World, ev: ObservedEvent): string | undefined {
  const p = world.processes.find((q) => q.name === ev.proc);
  if (!p || !ev.cb) return undefined;
  const tag = ev.cb === "info" && ev.msg?.startsWith("{:DOWN,") ? "DOWN" : tagOf(ev.msg);
  if (tag === "DOWN") {
    const w = p.handlers.find((h) => h.kind === "watch_cast");
    return w ? behaviour(w.kind).describe(p, w) : undefined;
  }
  if (tag === "reply_to")
    return "the timer armed by {:later, ms} fires: it replies to the waiting caller with the current state (GenServer.reply)";
  const h = findHandler(p, ev.cb, tag);
  return h ? behaviour(h.kind).describe(p, h) : undefined;
}

function stimulus(world: World, step: Step, index: number, callResults: ReadonlyMap<number, string>): string {
  const head = `Step ${index} (T=${step.at}ms): `;
  if (step.op === "kill") return `${head}System kills ${step.target} with Process.exit(pid, :kill); :kill cannot be trapped.`;
  const to =
    step.via === "stale_pid"
      ? `the pid ${step.target} had at start (${pidVar(step.target)}), which is a dead process if ${step.target} was restarted or died`
      : step.target;
  const msg = renderLit(step.msg);
  if (step.op === "cast") return `${head}System casts ${msg} to ${to}.`;
  if (step.op === "send") return `${head}System sends ${msg} to ${to} as a plain message.`;
  const result = callResults.get(index);
  return `${head}System calls ${to} with ${msg}${result ? `; the call returns ${result}` : ""}.`;
}

function eventSentence(world: World, ev: ObservedEvent): string {
  const cb = ev.cb === "info" ? "message" : ev.cb;
  switch (ev.type) {
    case "init": {
      if (ev.proc === SUPERVISOR_MODULE) return `${SUPERVISOR_MODULE} starts its children.`;
      if ((ev.n ?? 0) === 0) return `${ev.proc} starts; init/1 sets the state to ${ev.state}.`;
      const p = world.processes.find((q) => q.name === ev.proc);
      return `${SUPERVISOR_MODULE} restarts ${ev.proc} (restart: :${p?.restart ?? "permanent"}): a new process with an empty mailbox whose init/1 sets the state to ${ev.state}.`;
    }
    case "handle": {
      const what = handlerDescription(world, ev);
      if (ev.ok === false) {
        const why = what ? `the handler ${what}` : `no clause of ${ev.proc} matches it`;
        return `${ev.proc} takes up ${cb} ${ev.msg}: ${why}; it fails with ${ev.reason}, so ${ev.proc} crashes.`;
      }
      const parts: string[] = [];
      if (what) parts.push(what);
      else if (ev.cb === "info")
        parts.push("no handle_info clause is defined, so the default from `use GenServer` logs it and keeps the state");
      if (ev.before !== undefined && ev.after !== undefined)
        parts.push(ev.before === ev.after ? `state stays ${ev.after}` : `state ${ev.before} -> ${ev.after}`);
      if (ev.reply !== undefined) parts.push(`replies ${ev.reply}`);
      if (ev.stop !== undefined) parts.push(`returns {:stop, ${ev.stop}, state}, so the process stops`);
      return `${ev.proc} handles ${cb} ${ev.msg}${parts.length ? `: ${parts.join("; ")}` : ""}.`;
    }
    case "exit": {
      if (ev.proc === SUPERVISOR_MODULE)
        return `${SUPERVISOR_MODULE} exits (${ev.reason}): it gave up after too many restarts, and its children die with it.`;
      const strategy = world.supervisor?.children.includes(ev.proc) ? world.supervisor.strategy : undefined;
      if (ev.reason === ":shutdown" && strategy && strategy !== "one_for_one") {
        const why =
          strategy === "one_for_all"
            ? "with strategy :one_for_all, when one child dies all the others are stopped and every child restarts"
            : "with strategy :rest_for_one, when a child dies the children started after it are stopped and restarted with it";
        return `${SUPERVISOR_MODULE} stops ${ev.proc} (reason :shutdown): ${why}; its mailbox is lost.`;
      }
      return `${ev.proc} exits with reason ${ev.reason}; whatever was still in its mailbox is lost.`;
    }
    case "lost":
      return `${cb} ${ev.msg} was waiting in ${ev.proc}'s mailbox and is lost.`;
  }
}

function relevantProcs(world: World, spec: QuestionSpec): Set<string> | "all" {
  switch (spec.family) {
    case "call_result":
    case "alive_at_end":
      return "all";
    case "message_fate": {
      const step = world.schedule[spec.step - 1];
      return new Set([spec.proc, step.target, SUPERVISOR_MODULE]);
    }
    default:
      return new Set([spec.proc, SUPERVISOR_MODULE]);
  }
}

/** Under one_for_all / rest_for_one a sibling's death restarts this process too: its exits matter. */
function siblingsOf(world: World, spec: QuestionSpec): Set<string> {
  const sup = world.supervisor;
  if (!("proc" in spec) || !sup || sup.strategy === "one_for_one" || !sup.children.includes(spec.proc)) return new Set();
  return new Set(sup.children.filter((c) => c !== spec.proc));
}

function conclusion(world: World, spec: QuestionSpec, answer: string): string {
  switch (spec.family) {
    case "final_state":
      return `So when System stops, the state of ${spec.proc} is ${answer}.`;
    case "call_result":
      return `So the call in step ${spec.step} returns ${answer}.`;
    case "message_fate":
      return `So the message ${renderLit(spec.msg)} for ${spec.proc}: ${answer}.`;
    case "restart_count":
      return `So ${SUPERVISOR_MODULE} restarts ${spec.proc} ${answer} time${answer === "1" ? "" : "s"}.`;
    case "handling_order":
      return `So ${spec.proc} takes up, in order: ${answer}.`;
    case "alive_at_end":
      return `So the processes alive when System stops are ${answer}.`;
    case "next_handled":
      return `So the next message ${spec.proc} takes up from step ${spec.afterStep + 1} on is ${answer}.`;
  }
  return `So the answer is ${answer}.`;
}

export function renderReasoning(input: ReasoningInput): string {
  const { world, spec, events, answer, callResults } = input;
  const relevant = relevantProcs(world, spec);
  const siblings = siblingsOf(world, spec);
  const keep = (ev: ObservedEvent) => relevant === "all" || relevant.has(ev.proc) || (siblings.has(ev.proc) && ev.type === "exit");
  const lastStep = spec.family === "call_result" ? spec.step : world.schedule.length;
  const lines: string[] = [];
  world.schedule.slice(0, lastStep).forEach((step, i) => {
    const index = i + 1;
    const evs = events.filter((ev) => ev.seg === index && keep(ev));
    const touches = relevant === "all" || relevant.has(step.target);
    if (!touches && evs.length === 0) return;
    lines.push(stimulus(world, step, index, callResults));
    for (const ev of evs) lines.push(`  ${eventSentence(world, ev)}`);
  });
  if (lines.length === 0) lines.push(`Nothing in the schedule reaches ${"proc" in spec ? spec.proc : "these processes"}.`);
  const out = [...lines];
  if (input.outcomes && input.outcomes.length > 1) {
    out.push(`The runs did not agree: the observed answers were ${input.outcomes.join(", ")} (the steps above follow one run).`);
    out.push(`So the possible answers are ${answer}.`);
  } else if (input.outcomes) {
    out.push(
      `Every run gave ${input.outcomes[0]}, but this world contains a race (steps that do not wait, or processes dying together), so other outcomes cannot be ruled out.`,
    );
    out.push(`So the outcomes observed are ${answer}.`);
  } else {
    out.push(conclusion(world, spec, answer));
  }
  return out.join("\n");
}
