// `otpforge publish ARTIFACT --to DIR`: copy a compiled artifact into a
// versioned registry directory. The logic is @otpforge/teleprompters' publish.
import { resolve } from "node:path";
import { publish as publishArtifact } from "@otpforge/teleprompters";
import { parseVerbArgs } from "../args.js";
import { checkOutputDir } from "../path-checks.js";
import { EXIT_OK, UsageError, type Verb } from "../verb.js";

export const publish: Verb = {
  name: "publish",
  summary: "publish a compiled artifact into a versioned, immutable registry directory",
  help: `Usage: otpforge publish ARTIFACT --to DIR [--version X.Y.Z] [--name NAME] [--json]

ARTIFACT is an artifact.json or the directory \`otpforge compile --out\` wrote.
Its content hash is verified, then it is copied (with prompts/) to
DIR/<name>/<version>/ and DIR/index.json is rebuilt. Load it back in code with
load("name@1.2.0", { dir }) or load("name@latest", { dir }).

Versions never change: publishing different content under an existing version
is refused. Publishing the same content again does nothing.

Options:
  --to DIR           the registry directory (created if missing)
  --version X.Y.Z    default: the version already holding this content, else
                     the latest version's patch + 1 (the first is 1.0.0)
  --name NAME        default: the artifact's program name
  --json             one JSON object

Exit codes: 0 published (or already there), 1 the version exists with other
content, 2 bad usage or an unreadable or tampered artifact.

Examples:
  otpforge publish build/spell --to artifacts
  otpforge publish build/spell/artifact.json --to artifacts --version 1.2.0
  otpforge publish build/spell --to artifacts --name spell-v2 --json`,

  async run(argv, io) {
    const { values, positionals } = parseVerbArgs("publish", argv, {
      to: { type: "string" },
      version: { type: "string" },
      name: { type: "string" },
    });
    if (positionals.length !== 1)
      throw new UsageError(`give exactly one ARTIFACT (an artifact.json or its directory), got ${positionals.length}`);
    if (!values.to) throw new UsageError("missing --to DIR: the registry directory to publish into");
    const to = resolve(io.cwd, values.to);
    checkOutputDir(to, "--to");
    // A version clash (VERSION_EXISTS, exit 1) and an unreadable or tampered artifact
    // (ARTIFACT_*, PUBLISH_INPUT, exit 2) are reported by run-cli from their codes.
    const r = await publishArtifact(resolve(io.cwd, positionals[0]!), {
      to,
      ...(values.version !== undefined ? { version: values.version } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
    });
    if (values.json) io.stdout(JSON.stringify({ ok: true, ...r }) + "\n");
    else
      io.stdout(
        `${r.alreadyPublished ? "already published" : "published"} ${r.name}@${r.version} → ${r.path}  (content ${r.contentHash.slice(0, 12)})\n`,
      );
    return EXIT_OK;
  },
};
