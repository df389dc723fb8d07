// `otpforge bench explore`: the interleaving explorer on its reference suite
// (@otpforge/beam's EXPLORE_SUITE): schedules per second, and what the
// sleep-set reduction saves against naive enumeration of every choice
// sequence, system by system, in one run. The measuring is @otpforge/beam's
// runExploreBench; this parses and prints.
import { runExploreBench, type DeliveryModel, type ExploreBenchResult } from "@otpforge/beam";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO } from "../verb.js";

type Row = ExploreBenchResult["rows"][number];

export const exploreBench = {
  name: "explore",
  summary: "the interleaving explorer on its reference suite: schedules per second, reduction against naive enumeration",
  help: `Usage: otpforge bench explore [--model single-node|distributed] [--repeat R] [--json]

Explores every system of the reference suite twice in one run, with the
sleep-set reduction and with naive enumeration of every choice sequence, each
in a fresh sandboxed VM, R times (default 3; the median time is reported).
Prints per system the schedules each search ran, the reduction factor, the
time, and schedules per second; checks both searches found the same outcomes
(where the naive search ran to its end within 2000 schedules).

Options:
  --model M    single-node (default) or distributed (messages in flight)
  --repeat R   runs per system and search (default 3)
  --json       one JSON object

Examples:
  otpforge bench explore
  otpforge bench explore --model distributed
  otpforge bench explore --repeat 5 --json`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseVerbArgs("bench explore", argv, { repeat: { type: "string" }, model: { type: "string" } }, false);
    const repeat = intOption(values.repeat, "repeat", 3, 1, 100);
    const model = (values.model ?? "single-node") as DeliveryModel;
    if (model !== "single-node" && model !== "distributed")
      throw new UsageError(`--model ${model} is not a delivery model: use single-node or distributed`);
    const progress = io.isTTY && !values.json;
    const { rows, machine } = await runExploreBench({
      model,
      repeat,
      ...(progress ? { onProgress: (done: number, total: number) => io.stderr(`\r\x1b[2Kbench explore: ${done}/${total}`) } : {}),
    });
    if (progress) io.stderr("\r\x1b[2K");
    if (values.json) io.stdout(JSON.stringify({ model, repeat, machine, rows }) + "\n");
    else io.stdout(format(rows, repeat, machine, model));
    return rows.every((r) => r.sameOutcomes) ? EXIT_OK : EXIT_FAILURE;
  },
};

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

function format(
  rows: Row[],
  repeat: number,
  m: { cores: number; cpu: string; os: string; node: string; loadAvg1m: number },
  model: DeliveryModel,
): string {
  const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
  const perSecond = (schedules: number, ms: number) => (ms > 0 ? (schedules / (ms / 1000)).toFixed(0) : "-");
  const lines = [
    `reference suite, ${rows.length} systems, model ${model}, median of ${repeat} — ${m.cores} cores (${m.cpu}), ${m.os}, Node ${m.node}, load average ${m.loadAvg1m.toFixed(2)}`,
    "",
    "| system | outcomes | naive schedules | reduced schedules (+ pruned) | reduction | naive search | reduced search | reduced wall (fresh VM) | schedules/s (search) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.system} | ${r.outcomes} | ${r.naive.schedules}${r.naive.complete ? "" : "+ (cut)"} | ${r.reduced.schedules} (+${r.reduced.pruned}) | ${(r.naive.schedules / r.reduced.schedules).toFixed(2)}x | ${ms(r.naive.searchMs)} | ${ms(r.reduced.searchMs)} | ${ms(r.reduced.ms)} | ${perSecond(r.reduced.schedules + r.reduced.pruned, r.reduced.searchMs)} |`,
    ),
    `| **all** | ${sum((r) => r.outcomes)} | ${sum((r) => r.naive.schedules)} | ${sum((r) => r.reduced.schedules)} (+${sum((r) => r.reduced.pruned)}) | ${(sum((r) => r.naive.schedules) / sum((r) => r.reduced.schedules)).toFixed(2)}x | ${ms(sum((r) => r.naive.searchMs))} | ${ms(sum((r) => r.reduced.searchMs))} | ${ms(sum((r) => r.reduced.ms))} | ${perSecond(
      sum((r) => r.reduced.schedules + r.reduced.pruned),
      sum((r) => r.reduced.searchMs),
    )} |`,
    "",
    rows.every((r) => r.sameOutcomes)
      ? `both searches found the same outcomes on every system${rows.some((r) => !r.naive.complete) ? " whose naive search ran to its end (+ (cut): stopped at 2000 schedules)" : ""}`
      : `DIFFERENT OUTCOMES: ${rows
          .filter((r) => !r.sameOutcomes)
          .map((r) => r.system)
          .join(", ")}`,
    "(search: the depth-first search inside the VM; wall: the whole explore() call, booting a fresh sandboxed VM and compiling included)",
    "",
  ];
  return lines.join("\n");
}
