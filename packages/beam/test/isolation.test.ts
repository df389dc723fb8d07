import { describe, expect, it } from "vitest";
import { isolationPlan, scrubbedEnv, type HostProbe } from "../src/isolation.js";

const fakeHost = (failing: string[], isRoot = true, missing: string[] = []): HostProbe => ({
  which: (cmd) => (missing.includes(cmd) ? undefined : `/usr/bin/${cmd}`),
  works: (cmd) => !failing.some((f) => cmd.join(" ").includes(f)),
  isRoot,
});

describe("OS isolation plan", () => {
  it("uses every layer the host allows: limits, the nobody user, then bubblewrap", () => {
    const plan = isolationPlan({}, ["/opt/erlang"], fakeHost([]));
    expect(plan).toMatchObject({ sandbox: true, network: true, dropPrivileges: true, limits: true, notices: [] });
    expect(plan.untrustedRefusal).toBeUndefined();
    const prefix = plan.prefixFor("/tmp/w1").join(" ");
    expect(prefix).toMatch(
      /^\/usr\/bin\/prlimit --core=0 .*--nproc=4096 -- \/usr\/bin\/setpriv --reuid=65534 .* \/usr\/bin\/bwrap --die-with-parent/,
    );
    expect(prefix).toContain("--unshare-net");
    expect(prefix).toContain("--tmpfs /tmp --tmpfs /run");
    expect(prefix).toContain("--ro-bind /opt/erlang /opt/erlang");
    expect(prefix).toContain("--bind /tmp/w1 /tmp/w1 --chdir /tmp/w1");
    expect(prefix).not.toMatch(/--(ro-)?bind \/home|--(ro-)?bind \/root|--ro-bind \/ \//);
  });

  it("as a normal user: the same sandbox, limits included, no setpriv", () => {
    const plan = isolationPlan({}, [], fakeHost([], false));
    const prefix = plan.prefixFor("/tmp/w").join(" ");
    expect(plan.sandbox).toBe(true);
    expect(prefix).toContain("--nproc=4096");
    expect(prefix).not.toContain("setpriv");
    expect(prefix).toContain("--unshare-user");
  });

  it("refuses untrusted code when bubblewrap is missing, and says what to install", () => {
    const plan = isolationPlan({}, [], fakeHost([], false, ["bwrap"]));
    expect(plan.sandbox).toBe(false);
    expect(plan.untrustedRefusal).toMatch(/bubblewrap \(`bwrap`\) is not installed/);
    expect(plan.notices.join("\n")).toContain("apt-get install -y bubblewrap");
    // A network namespace is still used for trusted work.
    expect(plan.prefixFor("/tmp/w").join(" ")).toContain("unshare -r -n");
  });

  it("refuses untrusted code when bubblewrap cannot create namespaces", () => {
    const plan = isolationPlan({}, [], fakeHost(["bwrap"]));
    expect(plan.untrustedRefusal).toMatch(/cannot create its namespaces/);
  });

  it("runs without the sandbox only when the user says so, with a notice", () => {
    const plan = isolationPlan({ unsafeNoIsolation: true }, [], fakeHost([], true, ["bwrap"]));
    expect(plan.untrustedRefusal).toBeUndefined();
    expect(plan.notices.join("\n")).toMatch(/WITHOUT the OS sandbox, as asked/);
  });

  it("passes nothing of the parent's environment to a worker", () => {
    const env = scrubbedEnv("/usr/lib/erlang/bin/erl", "/tmp/w");
    expect(Object.keys(env).sort()).toEqual(["ERL_CRASH_DUMP_SECONDS", "HOME", "LANG", "LC_ALL", "PATH", "TMPDIR"]);
  });
});
