// The one type for "something that runs jobs" that the other packages accept in place of a Pool:
// a Pool is one, and so is a test's wrapper around one or a tenant's submission with a policy
// check beside it. Only run() is required, so a wrapper needs no more than it uses.
import type { Job, JobResult, PolicyResult, SourceFile, Submission } from "./types.js";

export interface JobRunner {
  run(job: Job): Promise<JobResult>;
  /** The static policy on one source or the files of one job (a Pool has it). */
  checkPolicy?(source: string | SourceFile[]): Promise<PolicyResult>;
  /** One tenant VM for several untrusted jobs, e.g. a program's K runs (a Pool has it). */
  submission?(): Submission;
  /**
   * Names of the preloads its VMs have (a Pool has it): a package whose code can come preloaded
   * checks for its preload's name here and ships the code in the job only when it is absent.
   */
  readonly preloads?: readonly string[];
  /** Worker VMs: how many jobs are worth keeping in flight (a Pool has it). */
  readonly size?: number;
}
