import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routeSettingsOf } from "./ingest-settings.ts";
import { idempotencyKeyFor, idempotencyKeyOf } from "./receive-email.ts";
import { clearSpool, spoolMessage } from "./spool.ts";
import { ingestSettingsForTest } from "./testing/world.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-spool-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const route = routeSettingsOf(ingestSettingsForTest().mail);
const to = ["incoming+email-test-1-issue-@appmail.adventuretime.ooo"];

/** The message as a stream of pieces of the given sizes, in turn. */
async function* piecesOf(raw: Buffer, sizes: number[]) {
  let i = 0;
  for (let offset = 0; offset < raw.length; i++) {
    const n = sizes[i % sizes.length];
    yield raw.subarray(offset, offset + n);
    offset += n;
  }
}

const message = (head: string, body: string) => Buffer.from(`${head}${body}`);
const HEAD = [
  "From: A <a@example.org>",
  `To: ${to[0]}`,
  "Subject: logs",
  "Message-ID: <m1@example.org>",
  "Content-Type: text/plain",
].join("\r\n");
const BODY = "0123456789 the log line\r\n".repeat(400); // 10 KB

const cases: [string, Buffer][] = [
  ["CRLF", message(`${HEAD}\r\n\r\n`, BODY)],
  ["LF only", message(`${HEAD.replace(/\r\n/g, "\n")}\n\n`, BODY.replace(/\r\n/g, "\n"))],
  ["leading blank lines", message(`\r\n\r\n${HEAD}\r\n\r\n`, BODY)],
  ["no Message-ID (keyed by its SHA-256)", message(`${HEAD.replace(/Message-ID[^\r]*\r\n/, "")}\r\n\r\n`, BODY)],
  ["no body", message(`${HEAD}\r\nX-Pad: ${"p".repeat(5000)}`, "")],
];

describe("spoolMessage", () => {
  it.each(cases)(
    "%s: a message past the threshold is in a private file, with the key it has in memory",
    async (_, raw) => {
      // Pieces that cut the header block's end anywhere: 1, 2, 3 and 1,000 bytes.
      for (const sizes of [[1], [2, 3], [1000], [4096, 1]]) {
        const read = await spoolMessage(piecesOf(raw, sizes), { limit: 1_000_000, dir, spoolAfter: 1024 });
        if (read.kind !== "spooled") {
          // Only a message whose header block never ends (no body) is read whole.
          expect(_).toBe("no body");
          expect(read).toEqual({ kind: "memory", raw, size: raw.length });
          continue;
        }
        expect(fs.readFileSync(read.spooled.file).equals(raw)).toBe(true);
        expect(fs.statSync(read.spooled.file).mode & 0o777).toBe(0o600);
        expect(read.size).toBe(raw.length);
        expect(idempotencyKeyOf(read.spooled.digests, route, to)).toEqual(idempotencyKeyFor(raw, route, to));
        fs.rmSync(read.spooled.file);
      }
    },
  );

  it("keeps a message under the threshold in memory, and writes no file", async () => {
    const raw = cases[0][1];
    const before = fs.readdirSync(dir).length;
    expect(await spoolMessage(piecesOf(raw, [100]), { limit: 1_000_000, dir, spoolAfter: raw.length })).toEqual({
      kind: "memory",
      raw,
      size: raw.length,
    });
    expect(fs.readdirSync(dir).length).toBe(before);
  });

  it("drains a message over the limit, counts every byte and leaves no file", async () => {
    const raw = Buffer.concat([cases[0][1], Buffer.alloc(50_000, 0x61)]);
    const read = await spoolMessage(piecesOf(raw, [777]), { limit: 20_000, dir, spoolAfter: 1024 });
    expect(read.kind).toBe("memory");
    expect(read.size).toBe(raw.length);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("removes its file when the stream fails", async () => {
    async function* failing() {
      yield Buffer.alloc(5000, 0x61);
      throw new Error("connection reset");
    }
    await expect(spoolMessage(failing(), { limit: 1_000_000, dir, spoolAfter: 1024 })).rejects.toThrow(
      "connection reset",
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("clearSpool", () => {
  it("removes the files last written before the cut-off, and keeps younger ones (another worker's)", async () => {
    const old = path.join(dir, "old.eml");
    const young = path.join(dir, "young.eml");
    fs.writeFileSync(old, "x");
    fs.writeFileSync(young, "y");
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(old, hourAgo, hourAgo);
    await clearSpool(dir, 600_000);
    expect(fs.readdirSync(dir)).toEqual(["young.eml"]);
    fs.rmSync(young);
  });

  it("does nothing when there is no spool yet", async () => {
    await expect(clearSpool(path.join(dir, "missing"), 0)).resolves.toBeUndefined();
  });
});
