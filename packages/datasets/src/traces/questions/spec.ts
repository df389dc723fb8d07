// The question families of the trace task and the specs that pin one question
// down (which process, which step). Answers to specs are computed on the BEAM.
import { z } from "zod";
import { behaviour, findHandler } from "../behaviours.js";
import { messageTag, renderLit, tupleArg } from "@otpforge/otp-signatures";
import { litSchema, type Lit, type World } from "../world.js";

export const FAMILIES = [
  "final_state",
  "call_result",
  "message_fate",
  "restart_count",
  "handling_order",
  "alive_at_end",
  "next_handled",
] as const;
export const familySchema = z.enum(FAMILIES);
export type Family = z.infer<typeof familySchema>;

export const questionSpecSchema = z.discriminatedUnion("family", [
  z.object({ family: z.literal("final_state"), proc: z.string() }).strict(),
  z.object({ family: z.literal("call_result"), step: z.number().int().positive() }).strict(),
  z.object({ family: z.literal("message_fate"), proc: z.string(), msg: litSchema, step: z.number().int().positive() }).strict(),
  z.object({ family: z.literal("restart_count"), proc: z.string() }).strict(),
  z.object({ family: z.literal("handling_order"), proc: z.string() }).strict(),
  z.object({ family: z.literal("alive_at_end") }).strict(),
  z.object({ family: z.literal("next_handled"), proc: z.string(), afterStep: z.number().int().positive() }).strict(),
]);
export type QuestionSpec = z.infer<typeof questionSpecSchema>;

export function specKey(spec: QuestionSpec): string {
  switch (spec.family) {
    case "final_state":
    case "restart_count":
    case "handling_order":
      return `${spec.family}:${spec.proc}`;
    case "call_result":
      return `call_result:${spec.step}`;
    case "message_fate":
      return `message_fate:${spec.proc}:${renderLit(spec.msg)}`;
    case "alive_at_end":
      return "alive_at_end";
    case "next_handled":
      return `next_handled:${spec.proc}:${spec.afterStep}`;
  }
}

/** An asynchronous message of the world: sent by System, or forwarded by a relay. */
export interface AsyncMessage {
  proc: string;
  msg: Lit;
  /** The schedule step (1-based) that caused it. */
  step: number;
  relayedBy?: string;
}

/** Casts and sends of the schedule, and the messages relays pass on (one hop). */
export function asyncMessages(world: World): AsyncMessage[] {
  const out: AsyncMessage[] = [];
  world.schedule.forEach((s, i) => {
    if (s.op !== "cast" && s.op !== "send") return;
    out.push({ proc: s.target, msg: s.msg, step: i + 1 });
    if (s.op !== "cast" || messageTag(s.msg) !== "relay") return;
    const p = world.processes.find((q) => q.name === s.target);
    const h = p && findHandler(p, "cast", "relay");
    const inner = tupleArg(s.msg, 1);
    if (h && h.kind === "relay_cast" && inner !== undefined) out.push({ proc: h.target, msg: inner, step: i + 1, relayedBy: s.target });
  });
  return out;
}

/** Every question that could be asked about the world, before running it. */
export function candidateSpecs(world: World): QuestionSpec[] {
  const specs: QuestionSpec[] = [];
  for (const p of world.processes) specs.push({ family: "final_state", proc: p.name });
  world.schedule.forEach((s, i) => {
    if (s.op === "call") specs.push({ family: "call_result", step: i + 1 });
  });
  const msgs = asyncMessages(world);
  const count = new Map<string, number>();
  for (const m of msgs) count.set(`${m.proc}|${renderLit(m.msg)}`, (count.get(`${m.proc}|${renderLit(m.msg)}`) ?? 0) + 1);
  for (const m of msgs) {
    // A message sent twice cannot be told apart in the trace: not asked.
    if (count.get(`${m.proc}|${renderLit(m.msg)}`) === 1) specs.push({ family: "message_fate", proc: m.proc, msg: m.msg, step: m.step });
  }
  for (const name of world.supervisor?.children ?? []) specs.push({ family: "restart_count", proc: name });
  for (const p of world.processes) specs.push({ family: "handling_order", proc: p.name });
  specs.push({ family: "alive_at_end" });
  for (const p of world.processes) {
    for (let k = 1; k < world.schedule.length; k++) specs.push({ family: "next_handled", proc: p.name, afterStep: k });
  }
  return specs;
}

/** Used by the reasoning: what the handler for this message does. */
export function describeHandling(world: World, proc: string, callback: "call" | "cast" | "info", msg: Lit): string | undefined {
  const p = world.processes.find((q) => q.name === proc);
  const h = p && findHandler(p, callback, messageTag(msg));
  return p && h ? behaviour(h.kind).describe(p, h) : undefined;
}
