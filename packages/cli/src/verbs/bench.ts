// `otpforge bench <name>`: runs one benchmark of packages/cli/src/bench.
import { benchmarks } from "../bench/index.js";
import { UsageError, type Verb } from "../verb.js";

function list(): string {
  const width = Math.max(...benchmarks.map((b) => b.name.length));
  return benchmarks.map((b) => `  ${b.name.padEnd(width)}  ${b.summary}`).join("\n");
}

export const bench: Verb = {
  name: "bench",
  summary: `measure otpforge (${benchmarks.map((b) => b.name).join(", ")}); figures go into BENCHMARKS.md`,
  get help() {
    return [
      "Usage: otpforge bench <name> [options] [--json]",
      "",
      "Benchmarks:",
      list(),
      "",
      "Record a result in BENCHMARKS.md with the exact command and the machine it ran on.",
      "",
      ...benchmarks.map((b) => `--- ${b.name} ---\n${b.help.replace(/\nExamples:[\s\S]*$/, "")}`),
      "",
      "Examples:",
      ...benchmarks.map((b) => `  otpforge bench ${b.name}`),
      `  otpforge bench ${benchmarks[0]?.name ?? "beam"} --json`,
    ].join("\n");
  },
  async run(argv, io) {
    const [name, ...rest] = argv;
    if (!name || name.startsWith("-")) throw new UsageError(`say which benchmark to run: otpforge bench <name>. Benchmarks:\n${list()}`);
    const b = benchmarks.find((x) => x.name === name);
    if (!b) throw new UsageError(`unknown benchmark "${name}". Benchmarks:\n${list()}`);
    return b.run(rest, io);
  },
};
