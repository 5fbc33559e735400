import { describe, expect, it } from "vitest";
import { settled, type WarmRound, warmUntilSettled } from "./warm-up.ts";

const rule = { minRounds: 2, settledShare: 0.05, maxRounds: 5 };
/** Rounds whose CPU per message follows `cpu`, one by one, recording how many were run. */
const scripted = (cpu: number[]) => {
  let run = 0;
  const round = async (r: number): Promise<WarmRound> => {
    expect(r).toBe(run);
    run++;
    return { perSecond: 1000 / cpu[r], cpuMsPerMessage: cpu[r] };
  };
  return { round, runs: () => run };
};

describe("warming a process before it is measured", () => {
  it("stops at the first round within the share of the round before", async () => {
    const s = scripted([3.1, 2.2, 1.9, 1.85, 1.84]);
    const rounds = await warmUntilSettled(s.round, rule);
    expect(rounds.map((r) => r.cpuMsPerMessage)).toEqual([3.1, 2.2, 1.9, 1.85]);
    expect(s.runs()).toBe(4);
  });

  it("never stops after one round, however steady it looks", async () => {
    const s = scripted([2, 2, 2]);
    expect(await warmUntilSettled(s.round, rule)).toHaveLength(2);
    expect(settled([{ perSecond: 500, cpuMsPerMessage: 2 }], rule)).toBe(false);
  });

  it("ends after the maximum of rounds when the process never settles", async () => {
    const s = scripted([3, 2, 2.4, 1.9, 2.3, 1.8, 1.8]);
    const rounds = await warmUntilSettled(s.round, rule);
    expect(rounds).toHaveLength(5);
    expect(s.runs()).toBe(5);
  });

  it("tells a warm-up that settled from one stopped at the cap", async () => {
    const steady = await warmUntilSettled(scripted([3.1, 2.2, 1.9, 1.85]).round, rule);
    const capped = await warmUntilSettled(scripted([3, 2.5, 2.2, 2, 1.85, 1.7]).round, rule);
    expect(settled(steady, rule)).toBe(true);
    expect(capped).toHaveLength(5);
    expect(settled(capped, rule)).toBe(false);
  });

  it("runs at least the minimum of rounds, however alike the first ones are", async () => {
    const s = scripted([3, 2.2, 2.2, 1.6, 1.5, 1.5]);
    const rounds = await warmUntilSettled(s.round, { ...rule, minRounds: 4 });
    expect(rounds.map((r) => r.cpuMsPerMessage)).toEqual([3, 2.2, 2.2, 1.6, 1.5]);
  });

  it("counts a rise as a change like a fall", () => {
    const r = (cpu: number) => ({ perSecond: 0, cpuMsPerMessage: cpu });
    expect(settled([r(2), r(2.2)], rule)).toBe(false);
    expect(settled([r(2), r(2.09)], rule)).toBe(true);
  });
});
