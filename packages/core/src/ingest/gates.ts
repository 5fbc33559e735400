import type { StageGate } from "./process-inbound-email.ts";

/** A gate that runs its stages one at a time, in the order they asked (a failed stage does not block the next). */
export const serialGate = (): StageGate => {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(stage: () => Promise<T>): Promise<T> => {
    const run = tail.then(stage);
    tail = run.catch(() => undefined);
    return run;
  };
};
