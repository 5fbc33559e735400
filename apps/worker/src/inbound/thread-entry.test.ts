import { execFileSync } from "node:child_process";
import { afterEach, expect, it } from "vitest";
import {
  prestartProcessingThread,
  spawnProcessingThread,
  takePrestartedThread,
  WORKER_SEMI_SPACE_MB,
  youngGenerationMb,
} from "./thread-entry.ts";

afterEach(async () => {
  await takePrestartedThread()?.terminate();
});

it("hands the thread spawned at boot to the pool once", async () => {
  const spawned = prestartProcessingThread();
  expect(takePrestartedThread()).toBe(spawned);
  expect(takePrestartedThread()).toBeUndefined();
  await spawned.terminate();
});

it("does not hand over a thread that ended before the pool took it: the pool spawns its own", async () => {
  const spawned = prestartProcessingThread();
  await spawned.terminate();
  expect(takePrestartedThread()).toBeUndefined();
});

/** A thread of a process started with `flags`, given a 48 MB young generation, allocating; its new space's MB. */
const newSpaceOfThread = (flags: string[]): number => {
  const thread = `
    const v8 = require("node:v8");
    let kept = [];
    for (let i = 0; i < 2e6; i++) { kept.push({ i }); if (kept.length > 1000) kept = []; }
    const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === "new_space");
    require("node:worker_threads").parentPort.postMessage(s.space_size / 1048576);`;
  const main = `
    const { Worker } = require("node:worker_threads");
    const w = new Worker(${JSON.stringify(thread)}, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    w.on("message", (mb) => { console.log(mb); process.exit(0); });`;
  return Number(execFileSync(process.execPath, [...flags, "-e", main], { encoding: "utf8" }).trim());
};

it("V8 applies the worker's --max-semi-space-size to its threads whatever their resourceLimits: one value serves both", () => {
  // Two semi-spaces at most under the flag; without it, the thread's own (larger) limit lets it grow.
  expect(newSpaceOfThread([`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`])).toBeLessThanOrEqual(
    2 * WORKER_SEMI_SPACE_MB,
  );
  expect(newSpaceOfThread([])).toBeGreaterThan(2 * WORKER_SEMI_SPACE_MB);
});

it("a processing thread gets the worker's young generation when the process was started without the flag", async () => {
  const spawned = spawnProcessingThread();
  expect(spawned.resourceLimits?.maxYoungGenerationSizeMb).toBe(youngGenerationMb(WORKER_SEMI_SPACE_MB));
  await spawned.terminate();
});
