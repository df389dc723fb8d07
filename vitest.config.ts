import { defineConfig } from "vitest/config";

// One vitest run covers every package and example, so `npm test` prints one
// pass/fail count. OTPFORGE_TEST_REPORT adds a JSON report (used by .ci/run).
const report = process.env.OTPFORGE_TEST_REPORT;

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: report ? ["default", "json"] : ["default"],
    outputFile: report ? { json: report } : undefined,
  },
});
