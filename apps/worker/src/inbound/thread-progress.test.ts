// The shared record of what a processing thread does (the per-message budget's clock, issue 15.1).
import { describe, expect, it } from "vitest";
import { progressBuffer, threadProgress } from "./thread-progress.ts";

describe("a processing thread's progress", () => {
  it("times each message of a batch from its own start, then the batch's transaction from when it is decided", () => {
    const p = threadProgress(progressBuffer());
    expect(p.read()).toEqual({ decide: null, apply: null });
    p.deciding(1, 101, 1_000);
    p.deciding(1, 102, 1_800);
    expect(p.read().decide).toEqual({ batch: 1, id: 102, since: 1_800 });
    p.applying(1, 2_000);
    // The next batch decides while the first applies: each stage keeps its own batch and clock.
    p.deciding(2, 201, 2_100);
    expect(p.read()).toEqual({ decide: { batch: 2, id: 201, since: 2_100 }, apply: { batch: 1, since: 2_000 } });
    p.finished(1);
    expect(p.read()).toEqual({ decide: { batch: 2, id: 201, since: 2_100 }, apply: null });
    p.applying(2, 2_500);
    p.finished(2);
    expect(p.read()).toEqual({ decide: null, apply: null });
  });

  it("restarts a transaction's clock only if the same apply still holds it", () => {
    const p = threadProgress(progressBuffer());
    p.applying(3, 5_000);
    p.restartApply(5_000, 9_000);
    expect(p.read().apply).toEqual({ batch: 3, since: 9_000 });
    // The stage moved on meanwhile (another batch began applying): its clock is left alone.
    p.applying(4, 9_500);
    p.restartApply(9_000, 12_000);
    expect(p.read().apply).toEqual({ batch: 4, since: 9_500 });
  });

  it("is one record for both sides: what the thread writes, the pool reads", () => {
    const buffer = progressBuffer();
    threadProgress(buffer).deciding(7, 700, 42);
    expect(threadProgress(buffer).read().decide).toEqual({ batch: 7, id: 700, since: 42 });
  });
});
