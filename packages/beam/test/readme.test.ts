// The README's usage snippet, run as written (with the package import pointed at the sources).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { JobResult } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));

describe("README", () => {
  it("its usage snippet runs and gives what its comments say", async () => {
    const readme = readFileSync(join(here, "..", "README.md"), "utf8");
    const snippet = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const index = join(here, "..", "src", "index.js");
    const body = snippet.replace(/import \{([^}]*)\} from "@otpforge\/beam";/, `import {$1} from ${JSON.stringify(index)};`).replace("await pool.close();", "await pool.close();\nexport const result = r;");
    const dir = mkdtempSync(join(here, "..", "scratch-readme-"));
    try {
      const file = join(dir, "snippet.ts");
      writeFileSync(file, body);
      const { result } = (await import(file)) as { result: JobResult };
      expect(result.status).toBe("ok");
      expect(result.value).toBe("42");
      expect(result.valueJson).toBe(42);
      const kinds = result.trace!.map((e) => `${e.kind}${e.via ? `/${e.via}` : ""} ${e.pid}${e.to ? `->${e.to}` : ""}`);
      expect(kinds).toContain("spawn main->Counter");
      expect(kinds).toContain("send/call main->Counter");
      expect(kinds).toContain("send/reply Counter->main");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
