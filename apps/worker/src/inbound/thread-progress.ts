// Issues 14 and 15.1: what a processing thread is doing, in memory it shares with the pool, for the
// per-message time budget. The thread writes each step (the message it starts deciding, the batch it
// starts applying); the pool's watchdog reads them. Measured: a message to the pool per decided message
// cost the thread ~0.1 ms each in postMessage (0.3 s of ~7 s of its CPU for 3,000 messages).
//
// Two stages, each held by at most one batch at a time (the thread's stage gates): deciding (the budget
// runs per message) and applying (one budget for the batch's transaction, from when it is decided).
// A stage's time is written before its ids, so a reader that sees a new id also sees its time or a later one.

/** The bytes of one thread's progress: three ids, two times. */
const BYTES = 32;

export type StageProgress = { batch: number; since: number };
export type ProgressSnapshot = {
  /** The batch deciding, the message it decides and since when; null when none decides. */
  decide: (StageProgress & { id: number }) | null;
  /** The batch applying (its transaction, or waiting to begin it) and since when; null when none. */
  apply: StageProgress | null;
};

export type ThreadProgress = ReturnType<typeof threadProgress>;

/** A fresh progress buffer for a thread. */
export const progressBuffer = () => new SharedArrayBuffer(BYTES);

/** Both sides' view of a progress buffer. Batches are numbered from 1 (0: the stage is idle). */
export const threadProgress = (buffer: SharedArrayBuffer) => {
  // ids: [deciding batch, message being decided, applying batch]; at: [decision began, apply began] (ms).
  const ids = new Int32Array(buffer, 0, 3);
  const at = new BigInt64Array(buffer, 16, 2);
  return {
    /** The thread starts deciding message `id` of `batch`. */
    deciding: (batch: number, id: number, now = Date.now()) => {
      Atomics.store(at, 0, BigInt(now));
      Atomics.store(ids, 1, id);
      Atomics.store(ids, 0, batch);
    },
    /** Every message of `batch` (or of its group) is decided: its clock is now its transaction's. */
    applying: (batch: number, now = Date.now()) => {
      Atomics.compareExchange(ids, 0, batch, 0);
      Atomics.store(at, 1, BigInt(now));
      Atomics.store(ids, 2, batch);
    },
    /** `batch` is done (or failed): it holds no stage any more. */
    finished: (batch: number) => {
      Atomics.compareExchange(ids, 0, batch, 0);
      Atomics.compareExchange(ids, 2, batch, 0);
    },
    read: (): ProgressSnapshot => {
      const deciding = Atomics.load(ids, 0);
      const id = Atomics.load(ids, 1);
      const decidingSince = Number(Atomics.load(at, 0));
      const applying = Atomics.load(ids, 2);
      const applyingSince = Number(Atomics.load(at, 1));
      return {
        decide: deciding ? { batch: deciding, id, since: decidingSince } : null,
        apply: applying ? { batch: applying, since: applyingSince } : null,
      };
    },
    /** Restarts the applying batch's clock, unless its stage moved on meanwhile. */
    restartApply: (since: number, now = Date.now()) => {
      Atomics.compareExchange(at, 1, BigInt(since), BigInt(now));
    },
  };
};
