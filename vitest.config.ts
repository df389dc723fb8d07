import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// One vitest run covers every package and example, so `npm test` prints one
// pass/fail count. OTPFORGE_TEST_REPORT adds a JSON report (used by .ci/run).
const report = process.env.OTPFORGE_TEST_REPORT;

// The workspace's packages export their TypeScript sources under the
// "@otpforge/source" condition (and dist/ to everyone else): tests import the
// sources, never a build. Vite's server defaults follow it; vitest also passes
// these conditions to its workers as --conditions.
const conditions = ["@otpforge/source", "node", "development|production"];

// Vitest's default is one test file at a time per core minus one: a single file on a
// 2-core machine (CI). Most of a file's time is spent waiting on BEAM VMs (boots,
// timeouts, virtual-time runs), so two files side by side overlap that waiting:
// on the 2-core machine the whole suite went from 1206 s (one file at a time, CI)
// to 952 s (two, while other work loaded the machine), with the same 1012 passes.
const maxWorkers = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    maxWorkers,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: report ? ["default", "json"] : ["default"],
    outputFile: report ? { json: report } : undefined,
  },
});
