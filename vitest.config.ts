import { defineConfig } from "vitest/config";

// One vitest run covers every package and example, so `npm test` prints one
// pass/fail count. OTPFORGE_TEST_REPORT adds a JSON report (used by .ci/run).
const report = process.env.OTPFORGE_TEST_REPORT;

// The workspace's packages export their TypeScript sources under the
// "@otpforge/source" condition (and dist/ to everyone else): tests import the
// sources, never a build. Vite's server defaults follow it; vitest also passes
// these conditions to its workers as --conditions.
const conditions = ["@otpforge/source", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: report ? ["default", "json"] : ["default"],
    outputFile: report ? { json: report } : undefined,
  },
});
