// The pieces of design verification that run no code: finding top
// supervisor candidates in source text, and rendering a problem into the
// probe's Elixir config without letting anything but literals through.
import { describe, expect, it } from "vitest";
import { designProblem, type DesignProblem } from "@otpforge/otp-signatures";
import type { Job, JobResult } from "@otpforge/beam";
import { buildProbeScript, findTopCandidates, jobTimeoutMs, verifyDesignBatch, DEFAULT_PROBE_TIMING } from "../src/internal.js";

describe("findTopCandidates", () => {
  it("ranks the supervisor nobody else starts first, then the others, then Application modules", () => {
    const source = `
defmodule My.App do
  use Application
  def start(_t, _a), do: My.Top.start_link([])
end
defmodule My.Workers do
  use Supervisor
end
defmodule My.Top do
  use Supervisor
  def init(_), do: Supervisor.init([My.Workers], strategy: :one_for_one)
end
defmodule My.Worker do
  use GenServer
end
`;
    expect(findTopCandidates(source)).toEqual([
      { kind: "supervisor", module: "My.Top" },
      { kind: "supervisor", module: "My.Workers" },
      { kind: "application", module: "My.App" },
    ]);
  });

  it("finds nothing in code without supervisors", () => {
    expect(findTopCandidates("defmodule A do\n  use GenServer\nend\n")).toEqual([]);
  });
});

describe("buildProbeScript", () => {
  it("renders requirements as Elixir data for the probe", () => {
    const script = buildProbeScript(designProblem("chat-rooms"), [{ kind: "supervisor", module: "Chat.Sup" }]);
    // The probe is preloaded: the script is the call alone.
    expect(script.startsWith("OtpForge.DesignProbe.run(%{")).toBe(true);
    expect(script).not.toContain("defmodule");
    // The conventional top first, then the fallbacks, each started through a closure with a literal module.
    expect(script).toMatch(
      /tops: \[\n    %\{module: "Chat\.Supervisor", via: "convention", defined: function_exported\?\(Chat\.Supervisor, :start_link, 1\)/,
    );
    expect(script).toContain('%{module: "Chat.Sup", via: "fallback"');
    expect(script).toContain(
      "start: fn opts -> if function_exported?(Chat.Sup, :start_link, 1), do: Chat.Sup.start_link(opts), else: Chat.Sup.start_link() end}",
    );
    expect(script).toContain(
      '%{id: "room-per-name", kind: :registry, registry: Chat.Registry, ensure: {"Chat.ensure_room", fn arg -> Chat.ensure_room(arg) end}, keys: ["lobby", "elixir"], sup: {:name, Chat.RoomSupervisor}}',
    );
    expect(script).toContain('setup: [{"Chat.ensure_room(\\"lobby\\")", fn -> Chat.ensure_room("lobby") end}');
    expect(script).toContain('kill: {:registry, Chat.Registry, "lobby"}, restarted: true');
    expect(script.trimEnd().endsWith("})")).toBe(true);
  });

  it("ships the probe, under a job name of its own, to a runner without the preload", () => {
    const script = buildProbeScript(designProblem("chat-rooms"), [], DEFAULT_PROBE_TIMING, { preloaded: false });
    // Job code may not define OtpForge.* modules: the shipped copy is renamed throughout.
    expect(script).toContain("defmodule OtpforgeShippedDesignProbe do");
    expect(script).toContain("defmodule OtpforgeShippedDesignProbe.Tree do");
    expect(script).not.toContain("OtpForge.DesignProbe");
    expect(script).toMatch(/\nOtpforgeShippedDesignProbe\.run\(%\{/);
  });

  it("refuses a problem that slipped code past validation", () => {
    const p = structuredClone(designProblem("query-cache")) as DesignProblem;
    p.startOptions = '[ttl_ms: File.rm!("x")]';
    expect(() => buildProbeScript(p, [])).toThrow(/startOptions: .* is not a plain Elixir literal/);
    const q = structuredClone(designProblem("query-cache")) as DesignProblem;
    q.topModule = "QueryCache.Supervisor; System.halt()";
    expect(() => buildProbeScript(q, [])).toThrow(/topModule: .* is not an Elixir module name/);
  });

  it("budgets the job time from the requirements (longer for expiry and escalation)", () => {
    const plain = jobTimeoutMs(designProblem("game-session"), DEFAULT_PROBE_TIMING);
    const timers = jobTimeoutMs(designProblem("query-cache"), DEFAULT_PROBE_TIMING);
    expect(plain).toBeGreaterThan(30_000);
    expect(timers).toBeGreaterThan(
      jobTimeoutMs(
        { ...designProblem("query-cache"), requirements: designProblem("query-cache").requirements.slice(1) },
        DEFAULT_PROBE_TIMING,
      ),
    );
  });
});

describe("verifyDesignBatch (trusted skeletons, several a job)", () => {
  // A pool that runs nothing: it refuses any job with two files defining one
  // module, fails every job holding the "broken" skeleton as a whole (as a
  // compile error would), and otherwise answers each probe run with a report
  // whose one requirement passes.
  const jobs: string[][] = [];
  const pool = {
    run: async (job: Job): Promise<JobResult> => {
      const files = job.files ?? [];
      jobs.push(files.map((f) => f.source.match(/defmodule (\S+)/)![1]!));
      const modules = files.flatMap((f) => [...f.source.matchAll(/defmodule (\S+)/g)].map((m) => m[1]));
      if (new Set(modules).size !== modules.length) throw new Error(`two skeletons define one module: ${modules.join(", ")}`);
      const base = { message: "", stdout: "", stderr: "", durationMs: 1 };
      if (files.some((f) => f.source.includes("broken"))) return { ...base, status: "compile_error", message: "broken does not compile" };
      const report = (id: string) => ({
        started: true,
        startError: null,
        top: "T.start_link/1",
        via: "convention",
        tree: "",
        results: [{ id, kind: "strategy", pass: true, detail: "ok" }],
      });
      const ids = [...job.script!.matchAll(/requirements: \[\n {4}%\{id: "([^"]+)"/g)].map((m) => m[1]!);
      return {
        ...base,
        status: "ok",
        valueJson: files.length === 1 && !job.script!.trimEnd().endsWith("]") ? report(ids[0]!) : ids.map(report),
      };
    },
  };
  const problem = (id: string) => ({
    ...designProblem("shop-backend"),
    id,
    requirements: [{ ...designProblem("shop-backend").requirements[0]!, id: `req-${id}` }],
  });
  const skeleton = (mod: string, extra = "") => `defmodule ${mod}.Supervisor do\n  # ${extra}\nend\n`;

  it("never puts two skeletons that define one module in a job, and gives each its own report, in order", async () => {
    jobs.length = 0;
    const items = [
      { skeleton: skeleton("A"), problem: problem("a1") },
      { skeleton: skeleton("A"), problem: problem("a2") },
      { skeleton: skeleton("B"), problem: problem("b") },
      { skeleton: skeleton("C"), problem: problem("c") },
    ];
    // One job asked for: the second A skeleton needs a job of its own.
    const vs = await verifyDesignBatch(items, { pool, jobs: 1 });
    expect(vs.map((v) => [v.problemId, v.status, v.requirements[0]!.id])).toEqual([
      ["a1", "checked", "req-a1"],
      ["a2", "checked", "req-a2"],
      ["b", "checked", "req-b"],
      ["c", "checked", "req-c"],
    ]);
    expect(jobs.length).toBe(2);
  });

  it("retries one skeleton per job when a job fails as a whole, so only the bad skeleton gets the verdict", async () => {
    jobs.length = 0;
    const items = [
      { skeleton: skeleton("A"), problem: problem("a") },
      { skeleton: skeleton("B", "broken"), problem: problem("b") },
    ];
    const vs = await verifyDesignBatch(items, { pool, jobs: 1 });
    expect(vs.map((v) => [v.problemId, v.status])).toEqual([
      ["a", "checked"],
      ["b", "compile_error"],
    ]);
    expect(jobs).toEqual([["A.Supervisor", "B.Supervisor"], ["A.Supervisor"], ["B.Supervisor"]]);
  });
});
