// Issue 14.4: the embedded cluster's buffer cache is a quarter of the memory Tidings may use.
import { describe, expect, it } from "vitest";
import { embeddedSharedBuffersMb } from "./embedded.ts";

const GB = 1024 ** 3;

describe("the embedded PostgreSQL's shared_buffers", () => {
  it("is a quarter of the machine's memory", () => {
    expect(embeddedSharedBuffersMb(24 * GB)).toBe(6 * 1024);
    expect(embeddedSharedBuffersMb(8 * GB, undefined)).toBe(2 * 1024);
  });

  it("is a quarter of a container's limit when that is below the machine's memory", () => {
    expect(embeddedSharedBuffersMb(64 * GB, 2 * GB)).toBe(512);
  });

  it("ignores a limit that does not limit (cgroup 'max' reads as 2^64, or 0 where there is none)", () => {
    expect(embeddedSharedBuffersMb(16 * GB, 2 ** 64)).toBe(4 * 1024);
    expect(embeddedSharedBuffersMb(16 * GB, 0)).toBe(4 * 1024);
  });

  it("never goes below PostgreSQL's own default of 128 MB", () => {
    expect(embeddedSharedBuffersMb(256 * 1024 ** 2)).toBe(128);
    expect(embeddedSharedBuffersMb(64 * GB, 100 * 1024 ** 2)).toBe(128);
  });
});
