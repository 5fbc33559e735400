import { describe, expect, it } from "vitest";
import { compactAge } from "./time.tsx";

const now = Date.parse("2026-12-04T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;

describe("compactAge (the list's age column)", () => {
  it("says minutes, hours, days, weeks, months and years the short way, and in words", () => {
    expect(compactAge(ago(20_000), now)).toEqual({ short: "now", long: "under a minute" });
    expect(compactAge(ago(5 * MIN), now)).toEqual({ short: "5m", long: "5 minutes" });
    expect(compactAge(ago(60 * MIN), now)).toEqual({ short: "1h", long: "1 hour" });
    expect(compactAge(ago(47 * 60 * MIN), now).short).toBe("47h");
    expect(compactAge(ago(3 * 1440 * MIN), now)).toEqual({ short: "3d", long: "3 days" });
    expect(compactAge(ago(30 * 1440 * MIN), now).short).toBe("4w");
    expect(compactAge(ago(200 * 1440 * MIN), now).short).toBe("6mo");
    expect(compactAge(ago(800 * 1440 * MIN), now)).toEqual({ short: "2y", long: "2 years" });
  });
  it("never says a negative age for a clock a little ahead", () => {
    expect(compactAge(ago(-5 * MIN), now).short).toBe("now");
  });
});
