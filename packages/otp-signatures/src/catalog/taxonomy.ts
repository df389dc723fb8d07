// The taxonomy of OTP concurrency anti-patterns: the families a bug belongs
// to, used to group catalog entries and to report evals per category.

export const CATEGORIES = {
  race: "Shared state read and written in separate steps, or claimed by a check-then-act; interleavings lose updates or start duplicates.",
  deadlock: "Processes waiting for each other (directly, through a cycle, or through a supervisor that is busy starting them).",
  blocking: "Slow work inside a server callback, or producers without back-pressure, so that the server stops answering in time.",
  "state-loss": "State or queued messages that live only in a process and vanish when it crashes and is restarted.",
  "fault-propagation": "Links and restart budgets that turn one local failure into the death of unrelated processes.",
  supervision: "Supervision trees whose strategy does not match how the children depend on each other.",
  timers: "Timers that are scheduled more than once or never cancelled.",
  timeouts: "Waits with no bound, no monitor, or replies that are not matched to their request.",
} as const satisfies Record<string, string>;

export type Category = keyof typeof CATEGORIES;

export function isCategory(value: string): value is Category {
  return Object.hasOwn(CATEGORIES, value);
}
