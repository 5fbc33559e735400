import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeSettingsOf } from "./ingest-settings.ts";
import { processBatch } from "./process-inbound-email.ts";
import { receiveEmail, receiveSpooledEmail } from "./receive-email.ts";
import { spoolMessage } from "./spool.ts";
import { RAW_PIECE_BYTES, readStoredRaw } from "./stored-raw.ts";
import { createIngestWorld } from "./testing/world.ts";

let db: TestDatabase;
let world: Awaited<ReturnType<typeof createIngestWorld>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-stored-raw-"));
beforeAll(async () => {
  db = await createTestDatabase();
  world = await createIngestWorld(db.dataSource, { ingest: { issuesPerSenderPerHour: 0 } });
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A message of about `size` bytes whose every byte differs from its neighbours' (a misplaced piece shows). */
const messageOf = (id: string, size: number) => {
  const head = Buffer.from(
    [
      "From: Customer <customer@example.org>",
      `To: incoming+${world.project.fullPathSlug}-${world.project.id}-issue-@appmail.adventuretime.ooo`,
      `Subject: Logs ${id}`,
      `Message-ID: <${id}@example.org>`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      "",
    ].join("\r\n"),
  );
  const body = Buffer.from(Array.from({ length: Math.max(0, size - head.length) }, (_, i) => 0x21 + ((i * 31) % 90)));
  return Buffer.concat([head, body]);
};

const input = () => ({
  transport: "smtp" as const,
  envelopeTo: [] as string[],
  maxEmailBytes: 25 * 1024 * 1024,
  route: routeSettingsOf(world.settings.mail),
});

describe("a large message stored in pieces and read back in pieces", () => {
  it.each([
    ["one byte under a piece", RAW_PIECE_BYTES - 1],
    ["exactly one piece", RAW_PIECE_BYTES],
    ["one byte over", RAW_PIECE_BYTES + 1],
    ["several pieces", 2 * RAW_PIECE_BYTES + 12_345],
  ])("%s: the stored row holds the exact bytes, and reads back equal", async (name, size) => {
    const raw = messageOf(`pieces-${size}`, size);
    const read = await spoolMessage([raw.subarray(0, 7000), raw.subarray(7000)], {
      limit: 25 * 1024 * 1024,
      dir,
      spoolAfter: 4096,
    });
    if (read.kind !== "spooled") throw new Error(`${name}: not spooled`);
    const stored = await receiveSpooledEmail(db.dataSource, { ...input(), spooled: read.spooled });
    expect(stored.duplicate).toBe(false);
    const [row] = await db.dataSource.query("SELECT raw, size_bytes FROM inbound_emails WHERE id = $1", [stored.id]);
    expect(row.size_bytes).toBe(raw.length);
    expect((row.raw as Buffer).equals(raw)).toBe(true);
    expect((await readStoredRaw(db.dataSource.manager, stored.id))?.equals(raw)).toBe(true);
    // The same message arriving whole (IMAP, a webhook) is the same message.
    expect(await receiveEmail(db.dataSource.manager, { ...input(), raw })).toEqual({
      id: stored.id,
      duplicate: true,
      status: "received",
    });
  });

  it("a spooled message becomes an issue like any other", async () => {
    const raw = messageOf("spooled-issue", 3 * RAW_PIECE_BYTES);
    const read = await spoolMessage([raw], { limit: 25 * 1024 * 1024, dir, spoolAfter: 4096 });
    if (read.kind !== "spooled") throw new Error("not spooled");
    const stored = await receiveSpooledEmail(db.dataSource, { ...input(), spooled: read.spooled });
    const { results } = await processBatch(db.dataSource, world.settings, [stored.id]);
    expect(results).toMatchObject([{ id: stored.id, status: "issue" }]);
  });

  it("refuses a spool file that does not hold what was received, storing nothing", async () => {
    const raw = messageOf("truncated", RAW_PIECE_BYTES + 10);
    const read = await spoolMessage([raw], { limit: 25 * 1024 * 1024, dir, spoolAfter: 4096 });
    if (read.kind !== "spooled") throw new Error("not spooled");
    fs.truncateSync(read.spooled.file, 1000);
    await expect(receiveSpooledEmail(db.dataSource, { ...input(), spooled: read.spooled })).rejects.toThrow(
      /holds 1000 bytes/,
    );
    const rows = await db.dataSource.query("SELECT 1 FROM inbound_emails WHERE message_id = $1", [
      "truncated@example.org",
    ]);
    expect(rows).toEqual([]);
  });

  it("reads nothing for a row that is gone", async () => {
    expect(await readStoredRaw(db.dataSource.manager, 999_999)).toBeNull();
  });
});
