import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Verb } from "../verb.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** The main job. Until the demo issue lands it lists the packages found. */
export const demo: Verb = {
  name: "demo",
  summary: "the main job: build a verified dataset, verify the catalog, tune when a model is set",
  help: `Usage: otpforge demo [--json]

Runs the main job offline where it can.

Examples:
  otpforge demo
  otpforge demo --json`,
  async run(argv, io) {
    const json = argv.includes("--json");
    const dir = join(repoRoot, "packages");
    const packages = existsSync(dir)
      ? readdirSync(dir).map((name) => JSON.parse(readFileSync(join(dir, name, "package.json"), "utf8")) as { name: string; version: string; description: string })
      : [];
    if (json) {
      io.stdout(JSON.stringify({ packages: packages.map((p) => ({ name: p.name, version: p.version })) }) + "\n");
    } else {
      io.stdout("otpforge packages:\n");
      for (const p of packages) io.stdout(`  ${p.name.padEnd(26)} ${p.version.padEnd(8)} ${p.description}\n`);
    }
    return 0;
  },
};
