#!/usr/bin/env node
// Makes a fresh Debian machine with only Node.js ready to run otpforge.
// Idempotent: every step first checks whether it is already done.
//   node scripts/setup.mjs              pnpm, Elixir, dependencies, build
//   node scripts/setup.mjs --for-tests  the same, plus what the test suite needs (and the packages built)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const forTests = process.argv.includes("--for-tests");
const quiet = process.argv.includes("--quiet");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

// Debian packages the test suite needs beyond Elixir (headless browser for report tests).
const TEST_APT_PACKAGES = [{ bin: "/usr/bin/chromium", pkg: "chromium" }];

function log(msg) {
  if (!quiet) process.stderr.write(`[setup] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: opts.capture ? "pipe" : "inherit", encoding: "utf8", env: process.env });
  return r;
}

function has(cmd, args = ["--version"]) {
  const r = spawnSync(cmd, args, { stdio: "pipe", encoding: "utf8" });
  return r.status === 0 ? `${r.stdout}${r.stderr}` : null;
}

function fail(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    fail(`Node.js >= 20.19 is required, found ${process.versions.node}. Install a newer Node.js and rerun.`);
}

function ensurePnpm() {
  if (has("pnpm")) return;
  log("pnpm not found: installing pnpm@10 with npm");
  const r = run("npm", ["install", "-g", "pnpm@10"]);
  if (r.status !== 0 || !has("pnpm")) fail("could not install pnpm. Run `npm install -g pnpm@10` (with sudo if needed) and rerun.");
}

let aptUpdated = false;
function aptInstall(pkgs, why) {
  const cmd = `apt-get update && apt-get install -y ${pkgs.join(" ")}`;
  if (!isRoot) fail(`${why} Run this, then rerun:\n  sudo ${cmd.replace("&& apt-get", "&& sudo apt-get")}`);
  log(`installing ${pkgs.join(", ")} with apt-get (${why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    const u = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    if (u.status !== 0) fail(`apt-get update failed. Run \`${cmd}\` by hand and rerun.`);
    aptUpdated = true;
  }
  const r = spawnSync("apt-get", ["install", "-y", "-qq", ...pkgs], { stdio: "inherit", env });
  if (r.status !== 0) fail(`apt-get install ${pkgs.join(" ")} failed. Run \`${cmd}\` by hand and rerun.`);
}

function onPath(cmd) {
  return (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, cmd)));
}

function ensureElixir() {
  // Presence is enough here: @otpforge/beam checks versions (>= 1.14 / OTP 25)
  // when it starts and says what to do. Running `elixir` to probe it costs a VM boot.
  if (onPath("elixir") && onPath("erl")) return;
  aptInstall(["elixir"], "Elixir >= 1.14 on OTP >= 25 runs every metric and dataset label.");
  if (!has("elixir")) fail("Elixir is still missing after apt-get. Install Elixir >= 1.14 and rerun.");
}

// Model-written Elixir runs only inside a bubblewrap sandbox (packages/beam README, "The sandbox").
function ensureSandbox() {
  if (onPath("bwrap")) return;
  aptInstall(["bubblewrap"], "bubblewrap (bwrap) is the OS sandbox that model-written Elixir runs in.");
  if (!onPath("bwrap")) fail("bubblewrap is still missing after apt-get. Install it (`sudo apt-get install -y bubblewrap`) and rerun.");
}

function ensureTestPackages() {
  const missing = TEST_APT_PACKAGES.filter((p) => !existsSync(p.bin)).map((p) => p.pkg);
  if (missing.length) aptInstall(missing, "the test suite renders reports in headless Chromium.");
}

// better-sqlite3 (the LM response cache) compiles from source when no prebuilt
// binary can be downloaded, which needs a C++ toolchain and python3.
function ensureNativeBuildTools() {
  const missing = [
    ["g++", "g++"],
    ["make", "make"],
    ["python3", "python3"],
  ]
    .filter(([bin]) => !has(bin))
    .map(([, pkg]) => pkg);
  if (missing.length) aptInstall(missing, "better-sqlite3 (the LM cache) is built from source with node-gyp.");
}

function installDeps() {
  const args = ["install", "--frozen-lockfile", "--prefer-offline"];
  if (quiet) args.push("--reporter=silent");
  const r = run("pnpm", args);
  if (r.status !== 0) fail("`pnpm install` failed; see the output above.");
}

function build() {
  log("type-checking the workspace");
  const r = run("pnpm", ["--silent", "run", "typecheck"]);
  if (r.status !== 0) fail("the TypeScript build failed; see the errors above.");
}

// The workspace runs from source; only the test that installs the packed
// packages (packages/cli/test/consumer.test.ts) needs dist/. Incremental.
function buildPackages() {
  log("building the packages (dist/)");
  const r = run(process.execPath, [join(root, "scripts", "build.mjs")]);
  if (r.status !== 0) fail("`pnpm build` failed; see the errors above.");
}

checkNode();
ensurePnpm();
ensureElixir();
ensureSandbox();
if (forTests) ensureTestPackages();
ensureNativeBuildTools();
installDeps();
build();
if (forTests) buildPackages();
log("ready");
