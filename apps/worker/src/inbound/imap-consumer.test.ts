import { describe, expect, it } from "vitest";
import { CHUNK_BYTES, CHUNK_MESSAGES, chunkUids, mailboxKeyOf, parseImapUrl, uidSet } from "./imap-consumer.ts";
import { backoffMs } from "./mailbox-lease.ts";

describe("imap-consumer helpers", () => {
  it("parses the mailbox URL and keys the cursor without the password", () => {
    const t = parseImapUrl("imaps://support%40acme.test:s3cr%2Ft@mail.acme.test/Service%20Desk");
    expect(t).toEqual({
      host: "mail.acme.test",
      port: 993,
      secure: true,
      user: "support@acme.test",
      pass: "s3cr/t",
      mailbox: "Service Desk",
    });
    expect(mailboxKeyOf("incoming", t)).toBe("incoming:support@acme.test@mail.acme.test:993/Service Desk");
    expect(mailboxKeyOf("incoming", t)).not.toContain("s3cr");
    expect(parseImapUrl("imap://u:p@127.0.0.1").mailbox).toBe("INBOX");
  });

  it("backs off exponentially with jitter, capped at a minute", () => {
    expect(backoffMs(0, () => 0)).toBe(250);
    expect(backoffMs(0, () => 1)).toBe(500);
    expect(backoffMs(3, () => 1)).toBe(4000);
    expect(backoffMs(30, () => 1)).toBe(60_000);
    expect(backoffMs(30, () => 0)).toBe(30_000);
  });

  it("writes uids as a sequence set with runs collapsed", () => {
    expect(uidSet([1, 2, 3, 7, 9, 10])).toBe("1:3,7,9:10");
    expect(uidSet([42])).toBe("42");
    expect(uidSet([])).toBe("");
  });

  it("cuts a backlog into chunks bounded in messages and in bytes, in uid order", () => {
    const small = Array.from({ length: 250 }, (_, i) => ({ uid: i + 1, size: 5_000 }));
    expect(chunkUids(small).map((c) => c.length)).toEqual([CHUNK_MESSAGES, CHUNK_MESSAGES, 50]);
    expect(chunkUids(small).flat()).toEqual(small.map((m) => m.uid));
    // A hundred 25 MB messages: one per chunk, never 2.5 GB at once.
    const big = Array.from({ length: 100 }, (_, i) => ({ uid: i + 1, size: 25 * 1024 * 1024 }));
    expect(chunkUids(big).every((c) => c.length === 1)).toBe(true);
    // Mixed: the bytes bound closes a chunk before the count does; an unknown size is fetched alone.
    const mixed = [
      { uid: 1, size: CHUNK_BYTES / 2 },
      { uid: 2, size: CHUNK_BYTES / 2 },
      { uid: 3, size: 1 },
      { uid: 4 },
      { uid: 5, size: 1 },
    ];
    expect(chunkUids(mixed)).toEqual([[1, 2], [3], [4], [5]]);
  });
});
