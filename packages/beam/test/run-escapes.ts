// Runs every escape case, a benign job after each, the OS-layer probe and a raw
// forgery, on a fresh pool; prints one JSON object. escapes.test.ts runs it as a
// normal user (setpriv) to check the path users meet on their laptops.
//   tsx run-escapes.ts TARGET HOME
import { createPool } from "../src/index.js";
import { BENIGN, ESCAPES, osLayerProbe, RAW_FORGERY } from "./escape-cases.js";

const [target, home] = process.argv.slice(2) as [string, string];
const pool = await createPool({ size: 2, onNotice: () => {} });
const cases: Record<string, { status: string; message: string; benign: string | undefined }> = {};
// Two lanes (the pool has two VMs); in each, every attack is followed by a benign job.
let next = 0;
await Promise.all(
  [0, 1].map(async () => {
    while (next < ESCAPES.length) {
      const c = ESCAPES[next++]!;
      const r = await pool.run(c.job(target));
      const b = await pool.run(BENIGN.job);
      cases[c.name] = { status: r.status, message: r.message, benign: b.value };
    }
  }),
);
const os = await pool.run({ trusted: true, script: osLayerProbe(target, home) });
const forged = await pool.run({ trusted: true, script: RAW_FORGERY });
const after = await pool.run(BENIGN.job);
await pool.close();
process.stdout.write(
  JSON.stringify({
    uid: process.getuid?.(),
    cases,
    os: os.valueJson,
    forged: { status: forged.status, message: forged.message, value: forged.value },
    after: after.value,
  }),
);
