import { cp, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import semver from "semver";
import { OtpforgeError } from "@otpforge/core";
import { readArtifact, ARTIFACT_FILE, PROMPTS_DIR } from "../artifact/files.js";
import { ArtifactNotFoundError, VersionExistsError } from "../artifact/errors.js";
import type { CompiledProgram } from "../artifact/schema.js";
import { writeJsonAtomic } from "@otpforge/core";
import { withFileLock } from "./lock.js";

// A registry is a plain directory: DIR/<name>/<version>/artifact.json (+ prompts/),
// and DIR/index.json listing every name and version. Version directories are
// the source of truth; the index is rebuilt from them on every publish.

export const INDEX_FILE = "index.json";
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface RegistryIndex {
  kind: "otpforge.registry";
  formatVersion: 1;
  artifacts: Record<string, { latest: string; versions: Array<{ version: string; contentHash: string; createdAt: string; path: string }> }>;
}

export interface PublishOptions {
  /** Registry directory. */
  to: string;
  /** Semver version; default: the version that already holds this content, else the latest patch + 1 (first: 1.0.0). */
  version?: string;
  /** Name to publish under; default: the artifact's program name. */
  name?: string;
}

export interface PublishResult {
  name: string;
  version: string;
  /** Directory of the published version. */
  path: string;
  contentHash: string;
  /** True when this exact content was already published under that version: nothing changed. */
  alreadyPublished: boolean;
}

/** A publish or load request that cannot be carried out as asked (bad name, bad version). */
export class PublishInputError extends OtpforgeError {
  constructor(message: string) {
    super("PUBLISH_INPUT", message, { category: "input" });
  }
}

/** A name that may be used as a directory: letters, digits, dot, dash, underscore. */
export function checkArtifactName(name: string): string {
  if (!NAME_RE.test(name) || name === "." || name === "..") {
    throw new PublishInputError(
      `artifact name "${name}" cannot be published: use letters, digits, ".", "-" and "_" (e.g. --name trace-predictor)`,
    );
  }
  return name;
}

/**
 * Publishes the artifact at `artifactPath` (a file or a directory with
 * artifact.json and prompts/) into a registry. Versions are immutable:
 * different content under an existing version throws VersionExistsError.
 */
export async function publish(artifactPath: string, options: PublishOptions): Promise<PublishResult> {
  const artifact = await readArtifact(artifactPath);
  const name = checkArtifactName(options.name ?? artifact.name);
  if (options.version !== undefined && semver.valid(options.version) !== options.version) {
    throw new PublishInputError(`version "${options.version}" is not a semantic version like 1.2.0`);
  }
  const sourceDir = (await stat(artifactPath)).isDirectory() ? artifactPath : dirname(artifactPath);
  const registry = await stat(options.to).catch(() => undefined);
  if (registry && !registry.isDirectory()) {
    throw new PublishInputError(
      `the registry ${options.to} is a file, not a directory: publish into a directory (it is created if missing)`,
    );
  }
  await mkdir(options.to, { recursive: true });

  return withFileLock(join(options.to, ".publish.lock"), async () => {
    const existing = await scanVersions(options.to, name);
    const sameContent = existing.find((v) => v.contentHash === artifact.contentHash);
    let version = options.version;
    if (version === undefined) {
      if (sameContent) return result(options.to, name, sameContent.version, artifact, true);
      const latest = latestOf(existing.map((v) => v.version));
      version = latest ? semver.inc(latest, "patch")! : "1.0.0";
    }
    const taken = existing.find((v) => v.version === version);
    if (taken) {
      if (taken.contentHash === artifact.contentHash) return result(options.to, name, version, artifact, true);
      throw new VersionExistsError(name, version, taken.contentHash, artifact.contentHash);
    }

    // Build the version in a temporary directory, then rename it into place in one step.
    const nameDir = join(options.to, name);
    await mkdir(nameDir, { recursive: true });
    const tmp = join(nameDir, `.tmp-${version}-${randomBytes(4).toString("hex")}`);
    try {
      await writeJsonAtomic(join(tmp, ARTIFACT_FILE), artifact);
      const prompts = join(sourceDir, PROMPTS_DIR);
      if (await isDirectory(prompts)) await cp(prompts, join(tmp, PROMPTS_DIR), { recursive: true });
      await rename(tmp, join(nameDir, version));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    await writeIndex(options.to);
    return result(options.to, name, version, artifact, false);
  });
}

function result(dir: string, name: string, version: string, artifact: CompiledProgram, alreadyPublished: boolean): PublishResult {
  return { name, version, path: join(dir, name, version), contentHash: artifact.contentHash, alreadyPublished };
}

export interface LoadedArtifact {
  name: string;
  version: string;
  path: string;
  artifact: CompiledProgram;
}

/**
 * Loads a published artifact by reference: "name@1.2.0", "name@latest" or
 * "name" (= latest). The artifact's content hash is verified on the way.
 */
export async function load(ref: string, options: { dir: string }): Promise<LoadedArtifact> {
  const at = ref.lastIndexOf("@");
  const name = at > 0 ? ref.slice(0, at) : ref;
  const wanted = at > 0 ? ref.slice(at + 1) : "latest";
  checkArtifactName(name);
  const versions = await listVersionDirs(options.dir, name);
  if (versions.length === 0) {
    throw new ArtifactNotFoundError(
      `no artifact named "${name}" in ${options.dir}; publish one with \`otpforge publish ARTIFACT --to ${options.dir}\``,
    );
  }
  const version = wanted === "latest" ? latestOf(versions)! : wanted;
  if (!versions.includes(version)) {
    throw new ArtifactNotFoundError(
      `${name}@${version} is not in ${options.dir}; published versions: ${sortVersions(versions).join(", ")}`,
    );
  }
  const path = join(options.dir, name, version);
  return { name, version, path, artifact: await readArtifact(path) };
}

/** The registry index as written by the last publish (rebuilt from the directories if missing). */
export async function readIndex(dir: string): Promise<RegistryIndex> {
  return buildIndex(dir);
}

async function writeIndex(dir: string): Promise<void> {
  await writeJsonAtomic(join(dir, INDEX_FILE), await buildIndex(dir));
}

async function buildIndex(dir: string): Promise<RegistryIndex> {
  const index: RegistryIndex = { kind: "otpforge.registry", formatVersion: 1, artifacts: {} };
  const names = (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory() && NAME_RE.test(e.name))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    const versions = await scanVersions(dir, name);
    if (versions.length === 0) continue;
    const ordered = sortVersions(versions.map((v) => v.version));
    index.artifacts[name] = {
      latest: latestOf(ordered)!,
      versions: ordered.map((version) => {
        const v = versions.find((x) => x.version === version)!;
        return { version, contentHash: v.contentHash, createdAt: v.createdAt, path: `${name}/${version}` };
      }),
    };
  }
  return index;
}

async function scanVersions(dir: string, name: string) {
  const out: Array<{ version: string; contentHash: string; createdAt: string }> = [];
  for (const version of await listVersionDirs(dir, name)) {
    const artifact = await readArtifact(join(dir, name, version));
    out.push({ version, contentHash: artifact.contentHash, createdAt: artifact.createdAt });
  }
  return out;
}

async function listVersionDirs(dir: string, name: string): Promise<string[]> {
  const entries = await readdir(join(dir, name), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && semver.valid(e.name) === e.name).map((e) => e.name);
}

function sortVersions(versions: string[]): string[] {
  return [...versions].sort(semver.compare);
}

/** Highest release version; prereleases count only when there is nothing else. */
function latestOf(versions: string[]): string | undefined {
  return semver.maxSatisfying(versions, "*") ?? sortVersions(versions).at(-1);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
