import { describe, expect, it } from "vitest";
import { isolationPlan, scrubbedEnv, type HostProbe } from "../src/isolation.js";

const fakeHost = (failing: string[], isRoot = true): HostProbe => ({
  which: (cmd) => `/usr/bin/${cmd}`,
  works: (cmd) => !failing.some((f) => cmd.join(" ").includes(f)),
  isRoot,
});

describe("OS isolation plan", () => {
  it("uses every layer the host allows: limits, a network namespace, the nobody user", () => {
    const plan = isolationPlan({}, fakeHost([]));
    expect(plan).toMatchObject({ network: true, dropPrivileges: true, limits: true, notices: [] });
    expect(plan.prefix.join(" ")).toMatch(/^\/usr\/bin\/prlimit --core=0 .* -- \/usr\/bin\/unshare -n \/usr\/bin\/setpriv --reuid=65534/);
  });

  it("falls back without a network namespace and says so in one notice", () => {
    const plan = isolationPlan({}, fakeHost(["unshare"]));
    expect(plan.network).toBe(false);
    expect(plan.prefix.join(" ")).not.toContain("unshare");
    expect(plan.dropPrivileges).toBe(true);
    expect(plan.notices).toHaveLength(1);
    expect(plan.notices[0]).toContain("share the host's network");
  });

  it("maps the user into a namespace of its own when not root", () => {
    const plan = isolationPlan({}, fakeHost([], false));
    expect(plan.prefix.join(" ")).toContain("/usr/bin/unshare -r -n");
    expect(plan.dropPrivileges).toBe(false);
  });

  it("passes nothing of the parent's environment to a worker", () => {
    const env = scrubbedEnv("/usr/lib/erlang/bin/erl", "/tmp/w");
    expect(Object.keys(env).sort()).toEqual(["ERL_CRASH_DUMP_SECONDS", "HOME", "LANG", "LC_ALL", "PATH", "TMPDIR"]);
  });
});
