// The standalone `.exs` of an example: rebuilds the world, replays the schedule
// with the same driver and observer the generator used, and prints the answer
// as its last line. Needs nothing but `elixir` (no project code, no Hex).
import { replaySources, renderSpec, renderWorldTerm } from "./driver-input.js";
import type { QuestionSpec } from "./questions/spec.js";
import { renderModules, renderProcessCode } from "./render-code.js";
import type { World } from "./world.js";

export interface ReplayOptions {
  /** Seeds of the runs; one run for a deterministic answer. */
  seeds: number[];
  /** Print the sorted set of answers over all runs (for "which outcomes are possible" questions). */
  outcomes: boolean;
  header: string[];
}

export function renderReplay(world: World, spec: QuestionSpec, opts: ReplayOptions): string {
  const driver = replaySources()
    .map((s) => s.source.trimEnd())
    .join("\n\n");
  const finish = opts.outcomes
    ? [
        "answers = Enum.map(runs, fn run -> OtpForge.Trace.Observe.answer(world, run, OtpForge.Trace.Observe.events(world, run), spec) end)",
        'IO.puts("[" <> (answers |> Enum.uniq() |> Enum.sort() |> Enum.join(", ")) <> "]")',
      ]
    : ["[run | _] = runs", "IO.puts(OtpForge.Trace.Observe.answer(world, run, OtpForge.Trace.Observe.events(world, run), spec))"];
  const busyWarning =
    'if Enum.any?(runs, &(&1.lag_ms > OtpForge.Trace.Driver.max_lag_ms())), do: IO.puts(:stderr, "warning: this machine was too busy to keep the schedule\'s timing margins; rerun when it is idle")';
  return [
    ...opts.header.map((l) => `# ${l}`),
    "# Run with plain `elixir replay.exs`; the last line printed is the observed answer.",
    "",
    "# --- the world (process_code) ---",
    renderProcessCode(world).trimEnd(),
    "",
    "# --- the driver (System) and the observer ---",
    driver,
    "",
    "# --- the schedule and the question ---",
    `world = ${renderWorldTerm(world)}`,
    "",
    `spec = ${renderSpec(spec)}`,
    `runs = OtpForge.Trace.Driver.run_many(world, [${opts.seeds.join(", ")}])`,
    busyWarning,
    ...finish,
    "",
  ].join("\n");
}

export interface BatchItem {
  world: World;
  specs: QuestionSpec[];
  seeds: number[];
}

/** A heredoc that keeps source text verbatim (no interpolation, no escapes). */
function verbatim(text: string): string {
  if (text.includes('"""')) throw new Error("world source contains a triple quote");
  return `~S"""\n${text.trimEnd()}\n"""`;
}

/** The generator's job script: every run of every world in the batch, every candidate spec, as JSON (encoded by the worker's OtpForge.JSON). */
export function renderBatchScript(items: readonly BatchItem[]): string {
  const entries = items.map((item) =>
    [
      "  %{",
      `    sources: [${renderModules(item.world)
        .map((m) => verbatim(m.source))
        .join(", ")}],`,
      `    world: ${renderWorldTerm(item.world).split("\n").join("\n    ")},`,
      `    specs: [${item.specs.map(renderSpec).join(", ")}],`,
      `    seeds: [${item.seeds.join(", ")}]`,
      "  }",
    ].join("\n"),
  );
  return [
    "items = [",
    entries.join(",\n"),
    "]",
    "",
    "{:ok, json} = OtpForge.JSON.encode(OtpForge.Trace.Batch.run(items))",
    "IO.iodata_to_binary(json)",
    "",
  ].join("\n");
}
