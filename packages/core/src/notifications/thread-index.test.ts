import { describe, expect, it } from "vitest";
import { threadIndexChild, threadIndexRoot } from "./thread-index.ts";

const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000;
const headerTimeMs = (b: Buffer) => Number(b.readUIntBE(1, 5) * 2 ** 24) / 10_000 - FILETIME_EPOCH_OFFSET_MS;

describe("Thread-Index", () => {
  const started = new Date("2026-11-21T09:30:00.000Z");

  it("starts a thread with 0x01, the high 40 bits of the FILETIME and a GUID of the thread id", () => {
    const root = Buffer.from(threadIndexRoot("issue_7@desk.example.com", started), "base64");
    expect(root).toHaveLength(22);
    expect(root[0]).toBe(0x01);
    expect(Math.abs(headerTimeMs(root) - started.getTime())).toBeLessThan(1_700);
    const other = Buffer.from(threadIndexRoot("issue_8@desk.example.com", started), "base64");
    expect(other.subarray(6).equals(root.subarray(6))).toBe(false);
  });

  it("adds a 5-byte child block with the time elapsed since the thread started", () => {
    const root = Buffer.from(threadIndexRoot("issue_7@desk.example.com", started), "base64");
    const at = new Date(started.getTime() + 90 * 60_000);
    const child = Buffer.from(threadIndexChild("issue_7@desk.example.com", started, at), "base64");
    expect(child).toHaveLength(27);
    expect(child.subarray(0, 22).equals(root)).toBe(true);
    const word = child.readUInt32BE(22);
    expect(word >>> 31).toBe(0);
    const elapsedMs = ((word & 0x7fffffff) * 2 ** 18) / 10_000 - (started.getTime() - headerTimeMs(root));
    expect(Math.abs(elapsedMs - 90 * 60_000)).toBeLessThan(50);
  });
});
