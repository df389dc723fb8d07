// "The two versions are the same program": both sources are normalised on the
// BEAM (parsed, which drops comments; metadata such as blank lines and
// keyword-vs-block `do` is stripped; printed and run through
// Code.format_string!) and the results compared.
import type { JobRunner } from "@otpforge/beam";

// Trusted: this is our own script; the sources travel as base64 data and are
// parsed, never compiled or evaluated.
const NORMALISE = (a: string, b: string) => `
normalise = fn encoded ->
  encoded
  |> Base.decode64!()
  |> Code.string_to_quoted!()
  |> Macro.prewalk(&Macro.update_meta(&1, fn _ -> [] end))
  |> Macro.to_string()
  |> Code.format_string!()
  |> IO.iodata_to_binary()
end

normalise.("${a}") == normalise.("${b}")
`;

/** True when the two sources are the same program up to layout and comments; undefined when either does not parse. */
export async function sameProgram(pool: JobRunner, a: string, b: string, timeoutMs: number): Promise<boolean | undefined> {
  if (a === b) return true;
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  const job = await pool.run({ script: NORMALISE(b64(a), b64(b)), trusted: true, limits: { timeoutMs } });
  if (job.status !== "ok") return undefined;
  return job.value?.trim() === "true";
}
