// scratch: explore worlds of a template and compare with plain real runs
import { createPool, explore } from "@otpforge/beam";
import { Rng } from "@otpforge/core";
import { runElixirSource } from "../src/internal.js";
import { ARRIVAL_ORDER } from "../src/traces/concurrent/arrival-order.js";
import { CALL_REPLIES } from "../src/traces/concurrent/call-replies.js";
import { DEADLOCK } from "../src/traces/concurrent/deadlock.js";
import { FINAL_STATES } from "../src/traces/concurrent/final-states.js";
import { MESSAGE_LOSS } from "../src/traces/concurrent/message-loss.js";
import { LINKS } from "../src/traces/concurrent/links.js";
import { CALLBACKS } from "../src/traces/concurrent/callbacks.js";
const EXTRA: any = { ...LINKS, ...CALLBACKS };
const TEMPLATES0 = { arrival_order: ARRIVAL_ORDER, possible_replies: CALL_REPLIES, deadlock: DEADLOCK, possible_final_states: FINAL_STATES, message_loss: MESSAGE_LOSS };
import { labelWorld } from "../src/traces/concurrent/label.js";
import { canonicalOutcome } from "../src/traces/concurrent/outcomes.js";
import { scenarioSource, type ConcurrentWorld } from "../src/traces/concurrent/world.js";

const [family, template, seedsArg, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 0);
const seeds = (seedsArg ?? "s0").split(",");
function plainRuns(w: ConcurrentWorld, n: number): string {
  return `${scenarioSource(w)}
defmodule PlainRuns do
  def run(n) do
    base = Process.registered()
    busy = for _ <- 1..2, do: spawn(fn -> spin(0) end)
    out = for i <- 1..n do
      parent = self()
      {pid, ref} = spawn_monitor(fn -> send(parent, {:out, self(), inspect(Scenario.run())}); exit(:shutdown) end)
      out =
        receive do
          {:out, ^pid, text} -> text
          {:DOWN, ^ref, _, _, r} -> "** died " <> inspect(r)
        after
          1500 -> Process.exit(pid, :kill); "deadlock"
        end
      receive do
        {:DOWN, ^ref, _, _, _} -> :ok
      end
      if rem(i, 3) == 0, do: Process.sleep(1)
      settle(base)
      out
    end
    Enum.each(busy, &Process.exit(&1, :kill))
    out
  end
  defp spin(n), do: spin(rem(n + 1, 1000))
  defp settle(base) do
    if Process.registered() -- base == [], do: :ok, else: (Process.sleep(1); settle(base))
  end
end
for o <- PlainRuns.run(${n}), do: IO.puts("@@outcome " <> o)
`;
}
const pool = await createPool({ size: 2 });
try {
  for (const s of seeds) {
    const w = ((TEMPLATES0 as any)[family]?.[template] ?? EXTRA[template])(new Rng(s)) as ConcurrentWorld;
    if (process.env.SHOW) console.log(scenarioSource(w));
    const t0 = Date.now();
    const label = await labelWorld(pool, w);
    const ms = Date.now() - t0;
    if (label.kind !== "labelled") { console.log(s, w.variant, label.kind, JSON.stringify(label).slice(0, 2000)); continue; }
    const explored = new Set(label.result.outcomes.map((o) => canonicalOutcome(o.outcome)));
    console.log(s, w.variant, JSON.stringify(w.params), `schedules=${label.result.schedules} ${ms}ms`);
    for (const q of label.questions) console.log("  ", q.question.key, q.answer);
    if (process.env.STEPS) for (const o of label.result.outcomes) console.log("   *", o.outcome, "\n     ", o.steps.join("\n      "));
    if (runs) {
      const r = await runElixirSource(plainRuns(w, runs), 120_000);
      const seen = r.stdout.split("\n").filter((l) => l.startsWith("@@outcome ")).map((l) => l.slice(10));
      const counts = new Map<string, number>();
      for (const o of seen) counts.set(o, (counts.get(o) ?? 0) + 1);
      const outside = [...counts.keys()].filter((o) => { try { return !explored.has(canonicalOutcome(o)); } catch { return true; } });
      console.log("   real:", JSON.stringify([...counts]), outside.length ? "OUTSIDE " + JSON.stringify(outside) : "ok", r.stderr.slice(0, 500));
    }
  }
} finally {
  await pool.close();
}
