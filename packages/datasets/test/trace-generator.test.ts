import { describe, expect, it } from "vitest";
import {
  generateWorld,
  renderEventTrace,
  renderProcessCode,
  runElixirSource,
  structureHash,
  worldHash,
  splitOf,
  worldSchema,
  type World,
} from "../src/internal.js";

const worlds: World[] = Array.from({ length: 30 }, (_, i) => generateWorld(`gen-test-${i}`, (["easy", "medium", "hard"] as const)[i % 3]));

describe("world generator", () => {
  it("gives the same world for the same seed and different worlds for different seeds", () => {
    expect(generateWorld("s-1", "hard")).toEqual(generateWorld("s-1", "hard"));
    const hashes = new Set(worlds.map(worldHash));
    expect(hashes.size).toBe(worlds.length);
  });

  it("produces valid worlds whose knobs follow the difficulty", () => {
    for (const w of worlds) {
      expect(worldSchema.safeParse(w).success).toBe(true);
      if (w.difficulty === "easy") expect(w.processes).toHaveLength(2);
      if (w.difficulty === "hard") expect(w.processes.length).toBeGreaterThanOrEqual(3);
    }
    const knobbed = generateWorld("knobs", "easy", {
      processes: [5, 5],
      steps: [9, 9],
      crashProbability: 0,
      timerProbability: 0,
      supervisorProbability: 1,
    });
    expect(knobbed.processes).toHaveLength(5);
    expect(knobbed.supervisor).not.toBeNull();
    expect(knobbed.schedule.some((s) => s.op === "kill")).toBe(false);
    expect(knobbed.processes.flatMap((p) => p.handlers).some((h) => h.kind === "schedule_cast" || h.kind === "later_call")).toBe(false);
  });

  it("lays steps out on the time grid, in order, and ends after the last step", () => {
    for (const w of worlds) {
      w.schedule.forEach((s, i) => {
        expect(s.at % 60).toBe(0);
        if (i > 0) expect(s.at).toBeGreaterThanOrEqual(w.schedule[i - 1].at);
      });
      expect(w.endAt).toBeGreaterThanOrEqual(w.schedule[w.schedule.length - 1].at);
      expect(w.schedule[w.schedule.length - 1].wait).toBe(true);
    }
  });

  it("keeps worlds that differ only in constants in the same split", () => {
    const w = worlds[4];
    const renamed = structuredClone(w);
    renamed.endAt += 60;
    renamed.processes[0].initial = typeof w.processes[0].initial === "number" ? w.processes[0].initial + 1 : [];
    expect(structureHash(renamed)).toBe(structureHash(w));
    expect(splitOf(structureHash(renamed))).toBe(splitOf(structureHash(w)));
    expect(worldHash(renamed)).not.toBe(worldHash(w));
  });

  it("renders process_code that `mix format` leaves unchanged and that compiles", async () => {
    const codes = worlds.map(renderProcessCode);
    const script = [
      `codes = ${JSON.stringify(codes)}`,
      'bad = Enum.reject(codes, fn c -> IO.iodata_to_binary(Code.format_string!(c)) <> "\\n" == c end)',
      "Enum.each(codes, fn c -> mods = Code.compile_string(c); for {m, _} <- mods, do: (:code.purge(m); :code.delete(m)) end)",
      'IO.puts("unformatted=#{length(bad)}")',
    ].join("\n");
    const r = await runElixirSource(script, 120_000);
    expect(r.stderr).not.toMatch(/warning|error/i);
    expect(r.stdout.trim().split("\n").pop()).toBe("unformatted=0");
  }, 150_000);

  it("renders the event trace with one line per step and the conventions", () => {
    const w = worlds[7];
    const trace = renderEventTrace(w);
    for (let i = 1; i <= w.schedule.length; i++) expect(trace).toContain(`(step ${i}): System`);
    expect(trace).toMatch(/^# System runs the steps in order/);
    expect(trace).toContain(`T=${w.endAt}ms: System stops`);
  });
});
