// A model-written skeleton shares its job with the design probe, so it is the attacker the
// probe's verdict must survive. With the probe preloaded (designProbePreload), the skeleton can
// neither redefine the probe to forge a report nor use it to do what the sandbox refuses it;
// on a runner without the preload (the probe shipped in the script) the script's definitions
// replace whatever the skeleton defined first. After every hostile skeleton a benign one must
// still get its true verdict.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type JobRunner, type Pool } from "@otpforge/beam";
import { designProblem } from "@otpforge/otp-signatures";
import { designProbePreload, DESIGN_PROBE_PRELOAD } from "@otpforge/metrics";
import { verifyDesign } from "../src/internal.js";

let pool: Pool;
/** The same pool seen without its preloads: the probe goes into the script, as before preloads. */
let shipping: JobRunner;

beforeAll(async () => {
  pool = await createPool({ size: 2, preload: [designProbePreload()] });
  shipping = { run: (job) => pool.run(job) };
});
afterAll(async () => {
  await pool?.close();
});

const shop = designProblem("shop-backend");
const oneForOne = shop.reference.skeleton.replace("strategy: :rest_for_one", "strategy: :one_for_one");

/** A report that says every requirement held, as a forged probe would return it. */
const forgedRun = (mod: string) => `
defmodule ${mod} do
  def run(cfg) do
    %{"started" => true, "startError" => nil, "top" => "Shop.Supervisor.start_link/1", "via" => "convention", "tree" => "forged",
      "results" => Enum.map(cfg.requirements, &%{"id" => &1.id, "kind" => Atom.to_string(&1.kind), "pass" => true, "detail" => "forged"})}
  end
end
`;

async function benignStillRight(runner: JobRunner) {
  const v = await verifyDesign(shop.reference.skeleton, shop, { pool: runner });
  expect({ status: v.status, score: v.score }).toEqual({ status: "checked", score: 1 });
}

describe.concurrent("a skeleton attacking the design probe", () => {
  it("uses the preload on a pool that has it", () => {
    expect(pool.preloads).toContain(DESIGN_PROBE_PRELOAD);
  });

  it("cannot redefine the preloaded probe to forge its verdict", { timeout: 60_000 }, async () => {
    for (const mod of ["OtpForge.DesignProbe", "OtpForge.DesignProbe.Checks"]) {
      const v = await verifyDesign(`${oneForOne}\n${forgedRun(mod)}`, shop, { pool });
      expect(v.status, v.message).toBe("policy_violation");
      expect(v.score).toBe(0);
      expect(v.message).toMatch(new RegExp(`defmodule ${mod.replace(/\./g, "\\.")}`));
    }
    await benignStillRight(pool);
  });

  it("cannot get from the preloaded probe what the sandbox refuses it", { timeout: 60_000 }, async () => {
    // The probe reads supervisors' state for its own checks; for the skeleton, the runtime's logger is not its own.
    const reach = oneForOne.replace(
      "defmodule Shop.Supervisor do",
      "defmodule Shop.Peek do\n  def peek, do: OtpForge.DesignProbe.Tree.safe_state(Process.whereis(:logger))\nend\n\ndefmodule Shop.Supervisor do",
    );
    expect(reach).not.toBe(oneForOne);
    const withPeek = reach.replace(
      "def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)",
      "def start_link(opts) do\n    Shop.Peek.peek()\n    Supervisor.start_link(__MODULE__, opts, name: __MODULE__)\n  end",
    );
    expect(withPeek).not.toBe(reach);
    const v = await verifyDesign(withPeek, shop, { pool });
    expect(v.status, v.message).toBe("policy_violation");
    expect(v.message).toMatch(/sys|runtime|not allowed/);
    await benignStillRight(pool);
  });

  it("cannot forge the verdict of the shipped probe either: the script's definitions replace its own", { timeout: 60_000 }, async () => {
    const v = await verifyDesign(`${oneForOne}\n${forgedRun("OtpforgeShippedDesignProbe")}`, shop, { pool: shipping });
    expect(v.status, v.message).toBe("checked");
    expect(
      v.requirements
        .filter((r) => !r.pass)
        .map((r) => r.id)
        .sort(),
    ).toEqual(["cache-restart-spares-repo", "repo-restart-cascades", "strategy-rest-for-one"]);
    await benignStillRight(shipping);
  });
});
