import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { verbs } from "../src/verbs/index.js";

// The CLI README's table must list exactly the verbs the command has.
describe("packages/cli/README.md", () => {
  it("documents every verb and no verb that does not exist", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const documented = [...readme.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(verbs.map((v) => v.name).sort());
  });
});
