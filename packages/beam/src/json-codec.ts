// The worker's JSON codec, OtpForge.JSON (priv/worker/json.ex): every job runs
// beside it, and a trusted job may call it (`OtpForge.JSON.encode/1` gives
// {:ok, iodata} or :error for what is not JSON-like). It is otpforge's one
// Elixir JSON encoder; a plain `elixir` that runs jobs written for the worker
// compiles this source first.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PRIV_DIR } from "./build.js";
import type { SourceFile } from "./types.js";

let cached: SourceFile | undefined;

/** The source of OtpForge.JSON, as the worker compiles it. */
export function jsonCodecSource(): SourceFile {
  cached ??= { name: "json.ex", source: readFileSync(join(PRIV_DIR, "json.ex"), "utf8") };
  return cached;
}
