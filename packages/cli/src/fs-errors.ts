// Filesystem errors that come from the paths a user named: a missing input, a
// folder where a file belongs, a file where a folder belongs, no permission.
// They are bad input (exit 2, no stack trace) whichever verb meets them. Other
// filesystem failures (a full disk, an I/O error) are not the user's paths
// being wrong, so they stay internal errors.
import { OtpforgeError } from "@otpforge/core";

/** A path the user named is missing, of the wrong type or unreadable. The code is the errno it amounts to. */
export class PathError extends OtpforgeError {
  constructor(code: string, message: string) {
    super(code, message, { category: "input" });
  }
}

const USER_PATH_ERRNOS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EISDIR: "is a folder where a file is expected",
  ENOTDIR: "part of the path is a file where a folder is expected",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  ENOTEMPTY: "the folder is not empty",
  EROFS: "the filesystem is read-only",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
};

/** The user-facing description of a Node filesystem error about a user's path, else undefined. */
export function userPathError(err: unknown): { code: string; category: "input"; message: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException & { dest?: string };
  // `syscall` tells a system call's error from an error that merely has an errno-like code.
  if (typeof e.code !== "string" || typeof e.syscall !== "string") return undefined;
  const what = USER_PATH_ERRNOS[e.code];
  if (!what) return undefined;
  const where = e.path ? `${e.path}${e.dest ? ` -> ${e.dest}` : ""}: ` : "";
  return { code: e.code, category: "input", message: `${where}${what} (${e.code}, ${e.syscall})` };
}
