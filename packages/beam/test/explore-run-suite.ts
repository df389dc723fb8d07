// node_modules/.bin/tsx packages/beam/test/explore-run-suite.ts: explores every suite system and prints outcome sets.
import { createPool, explore } from "../src/index.js";
import { SUITE } from "./explore-suite.js";
const pool = await createPool({ size: 2 });
try {
  for (const s of SUITE) {
    const t = Date.now();
    try {
      const r = await explore(pool, s.source, {});
      const naive = await explore(pool, s.source, { reduction: "none" });
      const same = JSON.stringify(naive.outcomes.map((o) => o.outcome).sort()) === JSON.stringify(r.outcomes.map((o) => o.outcome).sort());
      console.log(`     naive ${naive.schedules} schedules, reduced ${r.schedules} (+${r.pruned} pruned); same outcomes: ${same}`);
      const got = r.outcomes.map((o) => o.outcome).sort();
      const ok = JSON.stringify(got) === JSON.stringify([...s.outcomes].sort());
      console.log(`${ok ? "OK  " : "DIFF"} ${s.name}: ${JSON.stringify(got)} schedules ${r.schedules} complete ${r.complete} ${Date.now() - t} ms`);
      if (!ok) console.log(JSON.stringify(r.outcomes, null, 1).slice(0, 3000));
    } catch (e) {
      console.log(`ERR  ${s.name}: ${(e as Error).message}`);
    }
  }
} finally {
  await pool.close();
}
