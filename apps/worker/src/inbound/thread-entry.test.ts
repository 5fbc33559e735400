import { afterEach, expect, it } from "vitest";
import { prestartProcessingThread, takePrestartedThread } from "./thread-entry.ts";

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
