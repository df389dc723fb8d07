import { runCli } from "../src/run-cli.js";

/** Runs the CLI in-process and captures what it prints. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, cwd, env });
  return { code, stdout, stderr };
}
