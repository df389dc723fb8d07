// How many BEAM VMs a generating verb starts unless told: exploring a world or
// verifying a pair keeps its VM busy (virtual time: no timer is waited for), so one per core.
import { availableParallelism } from "node:os";

export function defaultPoolSize(): number {
  return Math.min(16, availableParallelism());
}
