import { readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { OtpforgeError } from "@otpforge/core";
import { writeJsonAtomic } from "@otpforge/core";

const CHECKPOINT_KIND = "otpforge.checkpoint";
const CHECKPOINT_VERSION = 1;

interface CheckpointFile {
  kind: typeof CHECKPOINT_KIND;
  version: number;
  runKey: string;
  sections: Record<string, Record<string, unknown>>;
}

/**
 * A checkpoint file that exists but cannot be used. Bad input, not a failed
 * run: the user deletes the checkpoint folder (losing only the finished steps
 * it held) and the rerun starts over.
 */
export class CheckpointError extends OtpforgeError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(
      "CHECKPOINT_UNREADABLE",
      `checkpoint ${path} is unreadable (${detail}); delete it to start the run afresh ` +
        `(or delete ${dirname(path)}, every checkpoint of this output), or restore it if you edited it by hand`,
      { category: "input" },
    );
  }
}

/** Whether parsed JSON has the shape of a checkpoint: every section an object of steps. */
function isCheckpointFile(data: unknown): data is CheckpointFile {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Partial<CheckpointFile>;
  if (d.kind !== CHECKPOINT_KIND || d.version !== CHECKPOINT_VERSION || typeof d.runKey !== "string") return false;
  if (typeof d.sections !== "object" || d.sections === null || Array.isArray(d.sections)) return false;
  return Object.values(d.sections).every((s) => typeof s === "object" && s !== null && !Array.isArray(s));
}

/**
 * What an optimizer run has finished so far, keyed by the run key (a hash of
 * everything that decides the result: program state, datasets, options, seed,
 * model). A rerun with the same key picks up every finished step, so a run
 * killed midway ends with the same artifact as one never interrupted.
 *
 * The file is rewritten atomically after each step; writes are serialised so
 * the newest state always lands last. Without a directory it lives in memory.
 */
export class CheckpointStore {
  private writing: Promise<void> = Promise.resolve();
  private pending = false;

  private constructor(
    readonly runKey: string,
    readonly path: string | undefined,
    private data: CheckpointFile,
    /** How many finished steps were found on disk when the store was opened. */
    readonly resumedSteps: number,
  ) {}

  static async open(dir: string | undefined, runKey: string): Promise<CheckpointStore> {
    const empty: CheckpointFile = { kind: CHECKPOINT_KIND, version: CHECKPOINT_VERSION, runKey, sections: {} };
    if (!dir) return new CheckpointStore(runKey, undefined, empty, 0);
    const path = join(dir, `${runKey.slice(0, 32)}.checkpoint.json`);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      // Only a missing file means "no checkpoint yet"; a folder or an unreadable
      // file in its place would otherwise fail later, at the first write.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return new CheckpointStore(runKey, path, empty, 0);
      throw new CheckpointError(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new CheckpointError(path, `not JSON: ${(err as Error).message}`);
    }
    if (!isCheckpointFile(data)) throw new CheckpointError(path, "not an otpforge checkpoint of this version");
    // Same file name but another run (a 128-bit prefix collision, or a hand copy): start afresh.
    if (data.runKey !== runKey) return new CheckpointStore(runKey, path, empty, 0);
    const steps = Object.values(data.sections).reduce((n, s) => n + Object.keys(s).length, 0);
    return new CheckpointStore(runKey, path, data, steps);
  }

  get<T>(section: string, key: string | number): T | undefined {
    return this.data.sections[section]?.[String(key)] as T | undefined;
  }

  /** Records a finished step and persists it before resolving. */
  async put(section: string, key: string | number, value: unknown): Promise<void> {
    (this.data.sections[section] ??= {})[String(key)] = value;
    await this.flush();
  }

  /** Deletes the file once the run's result is safely written elsewhere. */
  async complete(): Promise<void> {
    await this.writing;
    if (this.path) await rm(this.path, { force: true });
  }

  private flush(): Promise<void> {
    if (!this.path) return Promise.resolve();
    const path = this.path;
    // Coalesce: one write in progress plus at most one queued that takes the newest data.
    if (this.pending) return this.writing;
    this.pending = true;
    this.writing = this.writing.then(async () => {
      this.pending = false;
      await writeJsonAtomic(path, this.data);
    });
    return this.writing;
  }
}
