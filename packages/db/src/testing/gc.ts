// What V8's young-generation collections (scavenges) keep of what code leaves behind (issue 14.4), for the
// tests that guard it: measured in this process, from V8's own accounts.
import v8 from "node:v8";
import vm from "node:vm";

type Spaces = { spaceName: string; spaceUsedSize: number }[];
const used = (spaces: Spaces, name: string) => spaces.find((s) => s.spaceName === name)?.spaceUsedSize ?? 0;

/**
 * Runs `run` under v8.GCProfiler: the bytes its scavenges moved to the old generation (`promoted`), what
 * they found allocated since the one before (`allocated`), and the share promoted.
 */
export const promotedByScavenges = async (run: () => Promise<void>) => {
  const profiler = new v8.GCProfiler();
  profiler.start();
  await run();
  const { statistics } = profiler.stop();
  let allocated = 0;
  let promoted = 0;
  let survivors = 0;
  for (const gc of statistics.filter((g) => g.gcType === "Scavenge")) {
    allocated += used(gc.beforeGC.heapSpaceStatistics, "new_space") - survivors;
    survivors = used(gc.afterGC.heapSpaceStatistics, "new_space");
    promoted += used(gc.afterGC.heapSpaceStatistics, "old_space") - used(gc.beforeGC.heapSpaceStatistics, "old_space");
  }
  return { promoted, allocated, share: allocated > 0 ? promoted / allocated : 0 };
};

/**
 * Bytes of the young and old generations still used after a minor GC that follows `fill` (itself after a
 * full and a minor GC): what a scavenge kept of what `fill` left behind. Exposes V8's `gc` to do so.
 */
export const keptByAMinorGc = (fill: () => void): number => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as (options?: { type: "minor" | "major" }) => void;
  const heapUsed = () =>
    v8
      .getHeapSpaceStatistics()
      .filter((s) => s.space_name === "new_space" || s.space_name === "old_space")
      .reduce((sum, s) => sum + s.space_used_size, 0);
  gc();
  gc({ type: "minor" });
  const before = heapUsed();
  fill();
  gc({ type: "minor" });
  return heapUsed() - before;
};
