// Issue 14 (a backlog waiting when the worker starts): how a processing thread is spawned, in a module that
// loads nothing else, so that the worker's boot entry (boot.ts) can spawn one before it loads the rest.
// A thread loads the ingest pipeline and its packages (~0.4–0.6 s of CPU) as soon as it is spawned, then
// waits for its settings (the pool's first message, `ThreadInit`); spawned after the worker's own start-up,
// it was still loading when the first stored messages reached it.
import { Worker } from "node:worker_threads";

/**
 * The worker's young generation, in MB per V8 semi-space (V8's default is 16): its garbage is short-lived
 * message bytes and parses, and a small young generation collects it sooner, keeping the worker's RSS down
 * (issue 15; figures in scripts/launch.ts). One value for every isolate of the worker: the bundled worker
 * runs with `--max-semi-space-size` set to it (scripts/launch.ts), which V8 applies to every isolate of the
 * process, a thread's own `resourceLimits` notwithstanding (thread-entry.test.ts); a thread of a worker run
 * without that flag (through tsx, as the tests run it) gets the same through its `resourceLimits`.
 */
export const WORKER_SEMI_SPACE_MB = 2;
/** V8's young generation is three semi-spaces (two, and a large-object space of the same size). */
export const youngGenerationMb = (semiSpaceMb: number) => 3 * semiSpaceMb;
/**
 * Beside this module: in the TypeScript tree, the bootstrap that loads process-thread.ts through tsx; in the
 * bundled worker (scripts/bundle.ts), the bundled thread.
 */
const ENTRY = new URL("./process-thread.mjs", import.meta.url);

/** A thread, loading; it processes nothing before the pool sends it its settings. */
export const spawnProcessingThread = (): Worker => {
  const worker = new Worker(ENTRY, {
    resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb(WORKER_SEMI_SPACE_MB) },
  });
  worker.unref();
  return worker;
};

/** Shared by the boot entry and the worker's bundle (two copies of this module): a global, not a variable. */
const PRESTARTED = Symbol.for("tidings.prestartedProcessingThread");
type Holder = { [PRESTARTED]?: Worker };

/** Spawns a thread now, for the pool to take when it starts (boot.ts). */
export const prestartProcessingThread = (): Worker => {
  const worker = spawnProcessingThread();
  (globalThis as Holder)[PRESTARTED] = worker;
  // One that fails before the pool takes it is not taken (the pool spawns its own and sees that one fail).
  worker.once("exit", () => {
    if ((globalThis as Holder)[PRESTARTED] === worker) delete (globalThis as Holder)[PRESTARTED];
  });
  return worker;
};

/** The thread spawned at boot, once; undefined when there is none (a worker run from TypeScript: the tests). */
export const takePrestartedThread = (): Worker | undefined => {
  const worker = (globalThis as Holder)[PRESTARTED];
  delete (globalThis as Holder)[PRESTARTED];
  return worker;
};
