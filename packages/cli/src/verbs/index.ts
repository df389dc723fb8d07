// Every verb of the `otpforge` command, in the order `--help` lists them.
// Each issue adds its verb here.
import type { Verb } from "../verb.js";
import { demo } from "./demo.js";
import { verify } from "./verify.js";
import { evalVerb } from "./eval.js";
import { compile } from "./compile.js";
import { publish } from "./publish.js";
import { exportVerb } from "./export.js";
import { bench } from "./bench.js";
import { exec } from "./exec.js";
import { dataset } from "./dataset.js";
import { exploreVerb } from "./explore.js";

// The order of DESIGN.md's command contract: from running code to publishing, then benchmarks.
export const verbs: Verb[] = [demo, exec, exploreVerb, verify, dataset, evalVerb, compile, publish, exportVerb, bench];
