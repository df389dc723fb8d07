#!/usr/bin/env node
// `pnpm lint`, run by `npm test` before the suites: ESLint on the TypeScript and the scripts
// (eslint.config.js: defects, not style), Prettier's check of the TypeScript, JavaScript and JSON
// layout (.prettierrc.json), then `mix format --check-formatted` on the Elixir files
// .formatter.exs lists. All always run, so one run shows every problem; exit 1 if any.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// eslint's exports do not include its bin; it sits beside its package.json.
const requireHere = createRequire(join(root, "package.json"));
const eslint = join(dirname(requireHere.resolve("eslint/package.json")), "bin", "eslint.js");
const prettier = join(dirname(requireHere.resolve("prettier/package.json")), "bin", "prettier.cjs");

const checks = [
  {
    name: "eslint",
    cmd: process.execPath,
    args: [eslint, "--max-warnings=0", "."],
    fix: "fix the code (or, for a rule that is wrong there, say why in eslint.config.js)",
  },
  {
    name: "prettier",
    cmd: process.execPath,
    args: [prettier, "--check", "--log-level=warn", "."],
    fix: "run `pnpm format` (prettier --write .) in the repository root",
  },
  { name: "mix format", cmd: "mix", args: ["format", "--check-formatted"], fix: "run `mix format` in the repository root" },
];

let failed = 0;
for (const c of checks) {
  const r = spawnSync(c.cmd, c.args, { cwd: root, stdio: "inherit" });
  if (r.status === 0) continue;
  failed++;
  const why = r.error ? `could not run ${c.cmd}: ${r.error.message}` : `failed (exit ${r.status ?? r.signal})`;
  process.stderr.write(`[lint] ${c.name} ${why}: ${c.fix}.\n`);
}
if (failed) process.exit(1);
process.stderr.write("[lint] eslint, prettier and mix format: clean\n");
