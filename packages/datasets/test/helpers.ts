// Shared by the dataset tests: a BEAM runner, and a compact way to write worlds.
import { localElixirRunner, poolRunner, type ElixirRunner } from "@otpforge/datasets";
import { worldSchema, type Lit, type World } from "../src/internal.js";

export const a = (name: string): Lit => ({ atom: name });
export const t = (...items: Lit[]): Lit => ({ tuple: items });

/** A world from its parts; the schema fills nothing in, so every field is explicit. */
export function world(spec: Omit<World, "version" | "difficulty"> & { difficulty?: World["difficulty"] }): World {
  return worldSchema.parse({ version: 1, difficulty: "medium", ...spec });
}

let shared: { runner: ElixirRunner; close: () => Promise<void> } | undefined;

/**
 * The sandbox pool of @otpforge/beam when it is available, else plain `elixir`
 * processes (same observations, slower start).
 */
export async function testRunner(): Promise<ElixirRunner> {
  if (shared) return shared.runner;
  const beam = (await import("@otpforge/beam")) as Record<string, unknown>;
  if (typeof beam.createPool === "function") {
    const pool = await (beam.createPool as (o: object) => Promise<Parameters<typeof poolRunner>[0] & { close(): Promise<void> }>)({
      size: 2,
    });
    shared = { runner: poolRunner(pool), close: () => pool.close() };
  } else {
    shared = { runner: localElixirRunner(2), close: async () => {} };
  }
  return shared.runner;
}

export async function closeTestRunner(): Promise<void> {
  await shared?.close();
  shared = undefined;
}
