// The reasoning of a concurrent record: what the explorer established (every
// interleaving, the model, how many schedules), who the explorer's process
// names are, and for each possible outcome one interleaving that gives it, in
// the explorer's words and in order; for a deadlock, who is left waiting in what.
import type { ConcurrentWorld } from "./world.js";
import { DEADLOCK_OUTCOME } from "./outcomes.js";

export interface WitnessForReasoning {
  outcome: string;
  steps: string[];
  blocked?: Array<{ process: string; waitsIn: string }>;
}

/** What a waiting process is blocked in, said for a reader of the code (the explorer names its own wrappers). */
export function waitsInWords(waitsIn: string): string {
  if (/local_call|gen_call|do_call/.test(waitsIn)) return "a GenServer.call";
  if (/task_await/.test(waitsIn)) return "Task.await";
  if (waitsIn === "Scenario.run/0") return "a receive in Scenario.run/0";
  if (/^Scenario\.-run\/0-fun-\d+-/.test(waitsIn)) return "a receive in a function that Scenario.run/0 spawned";
  return waitsIn;
}

function legendLine(world: ConcurrentWorld, names: Set<string>): string {
  const parts = ["main is System's process, running Scenario.run/0"];
  for (const [name, what] of Object.entries(world.legend)) if (names.has(name)) parts.push(`${name} is ${what}`);
  return `Processes: ${parts.join("; ")}.`;
}

/** Process names the steps and deadlock reports mention (`main.2`, `Tally`...). */
function mentioned(witnesses: WitnessForReasoning[]): Set<string> {
  const out = new Set<string>();
  for (const w of witnesses) {
    for (const s of w.steps) for (const m of s.matchAll(/\bmain(?:\.\d+)+/g)) out.add(m[0]);
    for (const b of w.blocked ?? []) out.add(b.process);
  }
  return out;
}

function lastStepOf(process: string, steps: string[]): string | undefined {
  for (let i = steps.length - 1; i >= 0; i--) if ((steps[i] as string).startsWith(`${process} `)) return steps[i];
  return undefined;
}

export function concurrentReasoning(opts: {
  world: ConcurrentWorld;
  what: string;
  witnesses: WitnessForReasoning[];
  schedules: number;
  model: string;
  answer: string;
}): string {
  const { world, witnesses } = opts;
  const n = witnesses.length;
  const out = [
    `Every interleaving of the clients was explored (${opts.schedules} schedules, ${opts.model} model, search complete): ` +
      (n === 1 ? "only one outcome is possible, whatever the order." : `${n} outcomes are possible.`),
    legendLine(world, mentioned(witnesses)),
  ];
  for (const w of witnesses) {
    out.push("");
    out.push(`${w.outcome}: ${n === 1 ? "for example" : "one interleaving that gives it"}:`);
    w.steps.forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
    if (w.outcome === DEADLOCK_OUTCOME && w.blocked) {
      const waits = w.blocked.map((b) => {
        const last = lastStepOf(b.process, w.steps);
        return `${b.process} waits in ${waitsInWords(b.waitsIn)}${last ? ` (its last step: ${last.slice(b.process.length + 1)})` : ""}`;
      });
      out.push(`  Then nothing can run: ${waits.join("; ")}. No message is on its way and no timer is left, so the run deadlocks.`);
    } else {
      out.push(`  So ${opts.what} is ${w.outcome}.`);
    }
  }
  out.push("", `Answer: ${opts.answer}.`);
  return out.join("\n");
}
