// How the demo's long steps report progress without drawing anything: the
// caller makes a bar per step (the CLI draws core's ProgressBar on a
// terminal), and the steps only count.
export interface DemoProgressBar {
  update(done: number, status?: string): void;
  finish(): void;
}

/** Makes the bar of one step, named by `label`, over `total` items. */
export type DemoProgress = (label: string, total: number) => DemoProgressBar;

/** No bars: for callers that do not show progress. */
export const noProgress: DemoProgress = () => ({ update() {}, finish() {} });
