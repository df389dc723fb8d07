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

// Trusted, like NORMALISE: the sources are data, parsed and never compiled. A near-duplicate
// is the same program up to layout, comments and the names of its variables (renamed to v0,
// v1, ... in order of first use); module and function names are kept, since another domain's
// names make another example. Per source its sha256 (hex), or nil when it does not parse.
const FINGERPRINT = (encoded: string[]) => `
fingerprint = fn b64 ->
  case Code.string_to_quoted(Base.decode64!(b64)) do
    {:ok, ast} ->
      {renamed, _} =
        Macro.prewalk(ast, %{}, fn
          {name, _meta, ctx}, names when is_atom(name) and is_atom(ctx) ->
            names = Map.put_new(names, name, map_size(names))
            {{:"v#{Map.fetch!(names, name)}", [], nil}, names}
          {form, _meta, args}, names -> {{form, [], args}, names}
          other, names -> {other, names}
        end)
      :crypto.hash(:sha256, :erlang.term_to_binary(renamed, [:deterministic])) |> Base.encode16(case: :lower)
    {:error, _} -> nil
  end
end
Enum.map(${JSON.stringify(encoded)}, fingerprint)
`;

/**
 * Near-duplicate fingerprints of Elixir sources (see FINGERPRINT): equal for
 * sources that differ only in layout, comments or variable names; null for a
 * source that does not parse.
 */
export async function programFingerprints(pool: JobRunner, sources: readonly string[], timeoutMs = 30_000): Promise<Array<string | null>> {
  if (sources.length === 0) return [];
  const encoded = sources.map((s) => Buffer.from(s, "utf8").toString("base64"));
  const job = await pool.run({ script: FINGERPRINT(encoded), trusted: true, limits: { timeoutMs } });
  const hashes = job.valueJson;
  if (job.status !== "ok" || !Array.isArray(hashes) || hashes.length !== sources.length) {
    throw new Error(`fingerprinting ${sources.length} Elixir sources failed: ${job.status}${job.message ? `: ${job.message}` : ""}`);
  }
  return hashes as Array<string | null>;
}
