import { describe, expect, it } from "vitest";
import { serialGate } from "./gates.ts";

/** A stage that resolves when told to, recording when it starts. */
const controlled = (log: string[], name: string) => {
  let finish!: () => void;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  const stage = async () => {
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
    return name;
  };
  return { stage, finish };
};

describe("serialGate", () => {
  it("runs one stage at a time, in the order they asked", async () => {
    const gate = serialGate();
    const log: string[] = [];
    const a = controlled(log, "a");
    const b = controlled(log, "b");
    const ra = gate(a.stage);
    const rb = gate(b.stage);
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(["start a"]);
    b.finish(); // b is ready first, but waits for a
    await Promise.resolve();
    expect(log).toEqual(["start a"]);
    a.finish();
    expect(await ra).toBe("a");
    expect(await rb).toBe("b");
    expect(log).toEqual(["start a", "end a", "start b", "end b"]);
  });

  it("a failed stage rejects its caller and does not block the next", async () => {
    const gate = serialGate();
    const failed = gate(async () => {
      throw new Error("parse failed");
    });
    const next = gate(async () => "next");
    await expect(failed).rejects.toThrow("parse failed");
    expect(await next).toBe("next");
  });
});
