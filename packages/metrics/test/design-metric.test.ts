// The design metric on real skeletons, run in the sandbox pool: every
// reference skeleton scores 1.0, and broken designs fail the right
// requirements with feedback that says what the live tree did.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "@otpforge/beam";
import { Prediction, example } from "@otpforge/core";
import { DESIGN_PROBLEMS, designExamples, designProblem } from "@otpforge/otp-signatures";
import { designMetric, designProbePreload, type DesignVerification } from "@otpforge/metrics";
import { verifyDesign, verifyDesignBatch } from "../src/internal.js";

type Pool = Awaited<ReturnType<typeof createPool>>;
let pool: Pool;

beforeAll(async () => {
  // The probe preloaded, as the design task's and the eval's own pools have it.
  pool = await createPool({ size: 2, preload: [designProbePreload()] });
});
afterAll(async () => {
  await pool?.close();
});

const shop = designProblem("shop-backend");
const failed = (v: DesignVerification) => v.requirements.filter((r) => !r.pass).map((r) => r.id);

// Each test is one or two BEAM jobs: run side by side so both VMs of the pool work.
describe.concurrent("design verification", () => {
  it("scores every reference skeleton 1.0 on its own problem", { timeout: 120_000 }, async () => {
    // The references are ours: several share a job (two at a time), which spares a VM and a probe compile each.
    const results = await verifyDesignBatch(
      DESIGN_PROBLEMS.map((p) => ({ skeleton: p.reference.skeleton, problem: p })),
      { pool, jobs: 2 },
    );
    expect(results.map((v) => v.problemId)).toEqual(DESIGN_PROBLEMS.map((p) => p.id));
    for (const v of results) {
      expect({ id: v.problemId, status: v.status, failed: failed(v), message: v.message }).toEqual({
        id: v.problemId,
        status: "checked",
        failed: [],
        message: `${v.total} of ${v.total} requirements hold`,
      });
      expect(v.score).toBe(1);
      expect(v.via).toBe("convention");
    }
  });

  it("fails the strategy and the ordered restarts of a one_for_one design where rest_for_one is needed", { timeout: 60_000 }, async () => {
    const skeleton = shop.reference.skeleton.replace("strategy: :rest_for_one", "strategy: :one_for_one");
    const v = await verifyDesign(skeleton, shop, { pool });
    expect(v.status).toBe("checked");
    expect(failed(v).sort()).toEqual(["cache-restart-spares-repo", "repo-restart-cascades", "strategy-rest-for-one"]);
    expect(v.score).toBe(0.4);
    const strategy = v.requirements.find((r) => r.id === "strategy-rest-for-one")!;
    expect(strategy.detail).toBe("strategy of the top supervisor is :one_for_one, expected :rest_for_one");
    expect(v.requirements.find((r) => r.id === "repo-restart-cascades")!.detail).toMatch(/child Shop\.Cache, child Shop\.Api/);
  });

  it("fails a one_for_all design where only the crashed child may restart", { timeout: 60_000 }, async () => {
    const skeleton = shop.reference.skeleton.replace("strategy: :rest_for_one", "strategy: :one_for_all");
    const v = await verifyDesign(skeleton, shop, { pool });
    expect(failed(v).sort()).toEqual(["api-crash-isolated", "cache-restart-spares-repo", "strategy-rest-for-one"]);
  });

  it("gives 0 with a reason when workers crash so often that they take the supervisor down", { timeout: 60_000 }, async () => {
    const skeleton = shop.reference.skeleton.replace(
      "def init(_opts), do: {:ok, %{connected: true}}",
      `def init(_opts) do
    Process.send_after(self(), :lost, 5)
    {:ok, %{connected: true}}
  end

  @impl true
  def handle_info(:lost, _state), do: raise("connection lost")`,
    );
    expect(skeleton).not.toBe(shop.reference.skeleton);
    const v = await verifyDesign(skeleton, shop, { pool });
    expect(v.status).toBe("not_started");
    expect(v.score).toBe(0);
    expect(v.message).toMatch(/Shop\.Supervisor\.start_link\/1 started but the tree exited within \d+ ms with reason :shutdown/);
    expect(v.requirements.every((r) => !r.pass && r.detail.startsWith("not checked:"))).toBe(true);
  });

  it("gives 0 with the start error when a child cannot start", { timeout: 60_000 }, async () => {
    const skeleton = shop.reference.skeleton.replace(
      "def init(_opts), do: {:ok, %{connected: true}}",
      "def init(_opts), do: {:stop, :no_database}",
    );
    const v = await verifyDesign(skeleton, shop, { pool });
    expect(v.status).toBe("not_started");
    expect(v.message).toContain("failed_to_start_child, Shop.Repo, :no_database");
  });

  it("gives 0 with the compiler's complaint when the skeleton does not compile", { timeout: 60_000 }, async () => {
    const v = await verifyDesign("defmodule Shop.Supervisor do\n  def start_link(opts do\nend\n", shop, { pool });
    expect(v.status).toBe("compile_error");
    expect(v.score).toBe(0);
    expect(v.message.length).toBeGreaterThan(0);
  });

  it("refuses a skeleton that breaks the sandbox policy before running it", { timeout: 60_000 }, async () => {
    const skeleton = shop.reference.skeleton.replace(
      "def init(_opts), do: {:ok, %{connected: true}}",
      'def init(_opts), do: {:ok, File.read!("/etc/passwd")}',
    );
    const v = await verifyDesign(skeleton, shop, { pool });
    expect(v.status).toBe("policy_violation");
    expect(v.message).toMatch(/File\.read!/);
  });

  it("finds a top supervisor under another name, and says so", { timeout: 60_000 }, async () => {
    const skeleton = shop.reference.skeleton.replaceAll("Shop.Supervisor", "Shop.RootSup");
    const v = await verifyDesign(skeleton, shop, { pool });
    expect(v.via).toBe("fallback");
    expect(v.top).toBe("Shop.RootSup.start_link/1");
    expect(v.score).toBe(1);
    expect(v.message).toContain("found by searching: the problem asked for Shop.Supervisor");
  });

  it("says when there is nothing to start", { timeout: 60_000 }, async () => {
    const v = await verifyDesign("defmodule Shop.Repo do\n  def hello, do: :world\nend\n", shop, { pool });
    expect(v.status).toBe("not_started");
    expect(v.message).toMatch(/no top supervisor: Shop\.Supervisor with start_link\/1 is not defined/);
  });

  it("checks timers with the short times passed to start_link: an entry that never expires fails", { timeout: 60_000 }, async () => {
    const reference = designProblem("query-cache");
    // A shorter deadline than the problem's: this entry never expires, so the check waits it out.
    const cache = { ...reference, requirements: reference.requirements.map((r) => (r.kind === "expiry" ? { ...r, withinMs: 2000 } : r)) };
    const skeleton = cache.reference.skeleton.replace("Process.send_after(self(), {:expire, key, ref}, state.ttl)", ":ok");
    const v = await verifyDesign(skeleton, cache, { pool });
    // Nothing expires, so nothing is reclaimed either.
    expect(failed(v)).toEqual(["entry-expires", "expired-entries-reclaimed"]);
    expect(v.requirements[0]!.detail).toMatch(/still returned \{:ok, 42\} after 2000 ms, expected :error by then/);
  });
});

describe("every requirement kind can fail", () => {
  it("catches wrong restart groups, missing intensity, wrong restart types and missing registrations", { timeout: 120_000 }, async () => {
    const mutate = (id: string, from: string, to: string) => {
      const p = designProblem(id);
      const skeleton = p.reference.skeleton.replace(from, to);
      expect(skeleton, `${id}: mutation applies`).not.toBe(p.reference.skeleton);
      return { skeleton, problem: p };
    };
    const [game, sensors, reports, chat] = (await verifyDesignBatch(
      [
        mutate("game-session", "strategy: :one_for_all", "strategy: :one_for_one"),
        mutate("sensor-escalation", ", max_restarts: 2, max_seconds: 10", ""),
        mutate("report-tasks", "use GenServer, restart: :temporary", "use GenServer"),
        mutate(
          "chat-rooms",
          "GenServer.start_link(__MODULE__, name, name: {:via, Registry, {Chat.Registry, name}})",
          "GenServer.start_link(__MODULE__, name)",
        ),
      ],
      { pool, jobs: 2 },
    )) as [DesignVerification, DesignVerification, DesignVerification, DesignVerification];
    expect(failed(game).sort()).toEqual([
      "board-crash-restarts-all",
      "clock-crash-restarts-all",
      "restart-starts-clean",
      "strategy-one-for-all",
    ]);
    expect(game.requirements[1]!.detail).toMatch(/^killed Game\.Clock: not restarted: Game\.Board, Game\.Referee$/);
    expect(failed(sensors).sort()).toEqual(["exits-on-3-crashes", "intensity-2-in-10"]);
    expect(sensors.requirements.find((r) => r.id === "exits-on-3-crashes")!.detail).toBe(
      "the top supervisor survived 3 crashes of Sensors.Reader; expected it to give up and exit",
    );
    expect(failed(reports).sort()).toEqual(["crashed-generator-frees-its-slot", "generator-temporary", "generators-isolated"]);
    expect(reports.requirements[0]!.detail).toBe("Reports.Registry key 1 is declared :permanent, expected :temporary");
    expect(failed(chat).sort()).toEqual(["concurrent-joins-one-room", "room-per-name", "rooms-isolated"]);
    expect(chat.requirements[0]!.detail).toBe('no process is registered under "lobby" in Chat.Registry');
  });
});

describe("designMetric", () => {
  it("scores a Prediction with feedback per requirement, for optimizers", { timeout: 60_000 }, async () => {
    const metric = designMetric({ pool });
    const ex = designExamples([shop])[0]!;
    const good = await metric(
      ex,
      new Prediction({ otp_architecture: "", code_skeleton: "```elixir\n" + shop.reference.skeleton + "\n```" }, { raw: "", lm: "t" }),
    );
    expect(good).toMatchObject({ score: 1 });
    expect((good as { feedback: string }).feedback).toMatch(
      /^Design check: 5 of 5 requirements hold \(score 1\.00\)\.\nPASS strategy-rest-for-one/,
    );

    const bad = await metric(example({ problem_id: "shop-backend", problem_description: "x" }), {
      code_skeleton: shop.reference.skeleton.replace("strategy: :rest_for_one", "strategy: :one_for_all"),
    });
    expect(bad).toMatchObject({ score: 0.4 });
    expect((bad as { feedback: string }).feedback).toContain("FAIL strategy-rest-for-one (strategy): ");
    expect((bad as { feedback: string }).feedback).toContain("Observed: strategy of the top supervisor is :one_for_all");
    expect((bad as { feedback: string }).feedback).toContain(
      "Live tree after start:\n  Shop.Supervisor [Supervisor one_for_all, max_restarts 3 in 5s]",
    );
  });

  it("scores an empty answer 0 without running anything", async () => {
    const metric = designMetric({ pool: { run: () => Promise.reject(new Error("must not run")) } });
    const r = await metric(designExamples([shop])[0]!, { code_skeleton: "  " });
    expect(r).toMatchObject({ score: 0 });
    expect((r as { feedback: string }).feedback).toContain("Design not checked (empty)");
  });
});
