// A one-line progress bar for long runs. It draws only on a TTY stream, so
// piped output, CI logs and --json stay clean.
export interface ProgressBarOptions {
  total: number;
  label?: string;
  /** Where to draw; default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Force on/off; default: only when the stream is a TTY. */
  enabled?: boolean;
  width?: number;
}

export class ProgressBar {
  readonly total: number;
  private done = 0;
  private readonly label: string;
  private readonly stream: NodeJS.WriteStream;
  private readonly enabled: boolean;
  private readonly width: number;
  private lastDrawn = "";

  constructor(options: ProgressBarOptions) {
    this.total = options.total;
    this.label = options.label ?? "";
    this.stream = options.stream ?? process.stderr;
    this.enabled = options.enabled ?? Boolean(this.stream.isTTY);
    this.width = options.width ?? 24;
  }

  /** Sets the count of finished items and an optional status text (e.g. "score 71.3"). */
  update(done: number, status = ""): void {
    this.done = done;
    if (!this.enabled) return;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const filled = Math.round(frac * this.width);
    const line = `${this.label ? `${this.label} ` : ""}[${"#".repeat(filled)}${"-".repeat(this.width - filled)}] ${done}/${this.total}${status ? `  ${status}` : ""}`;
    if (line === this.lastDrawn) return;
    this.lastDrawn = line;
    this.stream.write(`\r\x1b[2K${line}`);
  }

  /** Leaves the final line in place and moves to the next line. */
  finish(status = ""): void {
    if (!this.enabled) return;
    this.update(this.done, status);
    this.stream.write("\n");
  }
}
