// The workspace resolves @otpforge/* to TypeScript sources through the "@otpforge/source"
// export condition; a published package must not carry it (a consumer's bundler or tsx that
// enabled a condition of that name would load ./src/, which the tarball does not hold).
// pnpm pack and pnpm publish replace `exports` with `publishConfig.exports`: this test keeps
// the two in step, so a new entry added to `exports` cannot be forgotten in the published one.
// (consumer.test.ts checks the packed manifests themselves.)
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const packagesDir = resolve(import.meta.dirname, "../..");
const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, "package.json")));

type Exports = string | { [key: string]: Exports };
const withoutSource = (e: Exports): Exports =>
  typeof e === "string"
    ? e
    : Object.fromEntries(
        Object.entries(e)
          .filter(([k]) => k !== "@otpforge/source")
          .map(([k, v]) => [k, withoutSource(v)]),
      );
const targets = (e: Exports): string[] => (typeof e === "string" ? [e] : Object.values(e).flatMap(targets));

describe("publishConfig.exports", () => {
  it.each(packages)("%s publishes its exports without the source condition", (name) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, name, "package.json"), "utf8")) as {
      exports: Exports;
      publishConfig?: { exports?: Exports };
    };
    const published = manifest.publishConfig?.exports;
    expect(published, "publishConfig.exports is missing").toBeDefined();
    expect(published).toEqual(withoutSource(manifest.exports));
    expect(targets(published!).filter((t) => t.startsWith("./src/"))).toEqual([]);
  });
});
