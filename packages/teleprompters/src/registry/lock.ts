import { open, rm, stat } from "node:fs/promises";
import { OtpforgeError } from "@otpforge/core";

/**
 * A lock file held while the registry index is rewritten, so two publishers
 * never interleave their scans and writes. A lock older than `staleMs` is
 * taken to belong to a crashed process and is broken.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, { timeoutMs = 30_000, staleMs = 60_000 } = {}): Promise<T> {
  const started = Date.now();
  let delay = 10;
  for (;;) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleMs) {
        await rm(path, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        // Another publish holds the registry: this run failed to get its turn (exit 1), the input is fine.
        throw new OtpforgeError(
          "REGISTRY_LOCKED",
          `could not lock ${path} within ${timeoutMs} ms; if no other publish is running, delete the file`,
          { category: "run" },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 500);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
