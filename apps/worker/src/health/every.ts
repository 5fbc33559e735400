// A periodic job of the worker: runs at once, then every `everyMs`, one run at a time; stop() waits for the
// run in progress. The job catches and logs its own failures, so the next tick tries again.
import type { Stoppable } from "../context.ts";

export const every = (everyMs: number, run: () => Promise<void>): Stoppable => {
  let stopped = false;
  let running = run();
  const timer = setInterval(() => {
    if (!stopped) running = running.then(run);
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
};
