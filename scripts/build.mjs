#!/usr/bin/env node
// `pnpm build`: compiles every package to JavaScript and declaration files in
// its dist/ (tsc -b over tsconfig.build.json, incremental), then copies the
// files under each package's src/ that are not TypeScript (the Elixir that
// datasets and metrics read beside their modules) to the same place in dist/,
// so code that finds them relative to import.meta.url works from either.
// Files that are not in src/ (beam's priv/, the catalog) are found from the
// package root, which is one level above both src/ and dist/.
//   node scripts/build.mjs           build what changed
//   node scripts/build.mjs --clean   remove every dist/ first
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
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

let copied = 0;
let removed = 0;
for (const p of packages) {
  const src = join(packagesDir, p, "src");
  const dist = join(packagesDir, p, "dist");
  // tsc -b leaves the outputs of deleted sources behind: drop them so a packed package holds only what src/ has.
  for (const file of filesUnder(dist)) {
    if (file === ".tsbuildinfo" || existsSync(join(src, sourceOf(file)))) continue;
    rmSync(join(dist, file));
    removed++;
  }
  for (const file of filesUnder(src)) {
    if (file.endsWith(".ts")) continue;
    const from = join(src, file);
    const to = join(dist, file);
    if (existsSync(to) && statSync(to).size === statSync(from).size && readFileSync(to).equals(readFileSync(from))) continue;
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    copied++;
  }
}
const notes = [copied ? `${copied} asset files copied` : "", removed ? `${removed} stale files removed` : ""].filter(Boolean);
process.stderr.write(`[build] ${packages.length} packages built${notes.length ? `, ${notes.join(", ")}` : ""}\n`);
