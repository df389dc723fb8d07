// scratch: is every template's code as mix format leaves it?
import { Rng } from "@otpforge/core";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { TEMPLATES } from "../src/traces/concurrent/generate.js";
import { LINKS } from "../src/traces/concurrent/links.js";
import { CALLBACKS } from "../src/traces/concurrent/callbacks.js";
const only = process.argv[2];
const all: Record<string, any> = {};
for (const fam of Object.values(TEMPLATES)) Object.assign(all, fam);
Object.assign(all, LINKS, CALLBACKS);
rmSync("tmp-i12/fmt", { recursive: true, force: true });
mkdirSync("tmp-i12/fmt");
for (const [name, t] of Object.entries(all)) {
  if (only && name !== only) continue;
  for (let i = 0; i < 12; i++) {
    const w = t(new Rng(`f${i}`));
    writeFileSync(`tmp-i12/fmt/${name}-${i}-scenario.ex`, w.scenario.trim() + "\n");
    if (w.modules) writeFileSync(`tmp-i12/fmt/${name}-${i}-modules.ex`, w.modules.trim() + "\n");
  }
}
const out = execFileSync("elixir", ["-e", `
for f <- Path.wildcard("tmp-i12/fmt/*.ex") do
  src = File.read!(f)
  fmt = IO.iodata_to_binary(Code.format_string!(src)) <> "\\n"
  if fmt != src, do: IO.puts("== #{f}\\n#{fmt}")
end
`]).toString();
console.log(out || "all formatted");
