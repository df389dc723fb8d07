#!/usr/bin/env node
// `pnpm build`: compiles every package to JavaScript and declaration files in
// its dist/ (tsc -b over tsconfig.build.json, incremental). src/ holds
// TypeScript only: a package's Elixir is in its priv/ (the Elixir convention;
// beam's worker, datasets' trace observer, metrics' design probe) and data such
// as the catalog in a folder of its own, all found from the package root,
// which is one level above both src/ and dist/ (and listed in its `files`).
//   node scripts/build.mjs           build what changed
//   node scripts/build.mjs --clean   remove every dist/ first
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packagesDir = join(root, "packages");
const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, "tsconfig.build.json")));

if (process.argv.includes("--clean")) {
  for (const p of packages) rmSync(join(packagesDir, p, "dist"), { recursive: true, force: true });
}

const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-b", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
if (r.status !== 0) {
  process.stderr.write("[build] tsc -b failed; see the errors above.\n");
  process.exit(r.status ?? 1);
}

/** Every file under dir (relative paths), skipping nothing: src/ holds only what ships. */
function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(relative(dir, full));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The src/ file a dist/ file comes from (tsc's outputs from .ts, the rest copied as they are). */
function sourceOf(file) {
  if (file.endsWith(".d.ts")) return file.slice(0, -".d.ts".length) + ".ts";
  if (file.endsWith(".js")) return file.slice(0, -".js".length) + ".ts";
  return file;
}

let removed = 0;
const strays = [];
for (const p of packages) {
  const src = join(packagesDir, p, "src");
  const dist = join(packagesDir, p, "dist");
  // tsc -b leaves the outputs of deleted sources behind: drop them so a packed package holds only what src/ has.
  for (const file of filesUnder(dist)) {
    if (file === ".tsbuildinfo" || existsSync(join(src, sourceOf(file)))) continue;
    rmSync(join(dist, file));
    removed++;
  }
  for (const file of filesUnder(src)) if (!file.endsWith(".ts")) strays.push(join("packages", p, "src", file));
}
if (strays.length) {
  process.stderr.write(
    `[build] src/ is for TypeScript only; move these to the package's priv/ (Elixir) or a data folder:\n  ${strays.join("\n  ")}\n`,
  );
  process.exit(1);
}
const notes = [removed ? `${removed} stale files removed` : ""].filter(Boolean);
process.stderr.write(`[build] ${packages.length} packages built${notes.length ? `, ${notes.join(", ")}` : ""}\n`);
