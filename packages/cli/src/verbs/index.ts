// Every verb of the `otpforge` command, in the order `--help` lists them.
// Each issue adds its verb here.
import type { Verb } from "../verb.js";
import { demo } from "./demo.js";

export const verbs: Verb[] = [demo];
