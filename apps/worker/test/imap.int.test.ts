// The IMAP consumer against a real, throwaway Dovecot.
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { type DataSource, ImapCursorEntity, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PROCESSED_FLAG } from "../src/inbound/imap-consumer.ts";
import { type Inbound, startInbound } from "../src/inbound/index.ts";
import { type Dovecot, startDovecot } from "./dovecot.ts";
import { eventually, simpleMessage, testWorkerContext } from "./helpers.ts";

describe("IMAP consumer (Dovecot)", () => {
  let dovecot: Dovecot;
  let db: TestDatabase;
  let ds: DataSource;
  let projectId: number;
  const running: Inbound[] = [];
  let user = 0;
  let mailboxUser = "";

  beforeAll(async () => {
    dovecot = await startDovecot(Array.from({ length: 6 }, (_, i) => `agent${i}@test`));
  });
  afterAll(async () => dovecot.stop());
  beforeEach(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    projectId = (await createIngestWorld(ds)).project.id;
    mailboxUser = `agent${user++}@test`;
  });
  afterEach(async () => {
    for (const i of running.splice(0)) await i.stop();
    await db.drop();
  });

  const start = async (extra: Record<string, string> = {}, opts: Parameters<typeof startInbound>[1] = {}) => {
    const inbound = await startInbound(
      testWorkerContext(ds, db.url, { IMAP_URL: dovecot.url(mailboxUser), ...extra }),
      {
        imapPollMs: 60_000, // far away: new mail must arrive through IDLE
        leaseRetryMs: 200,
        ...opts,
      },
    );
    running.push(inbound);
    return inbound;
  };
  const issueCount = () => ds.getRepository(IssueEntity).count();

  it("turns an APPENDed message into an issue through IDLE, then flags it and moves it to Archive", async () => {
    const inbound = await start();
    await eventually(async () => inbound.imap[0].holdsLease());
    await inbound.imap[0].synced();
    await dovecot.append(simpleMessage({ projectId, n: "imap-1" }), { user: mailboxUser });
    const issue = await eventually(() =>
      ds.getRepository(IssueEntity).findOneBy({ messageId: `msg-imap-1-${projectId}@example.org` }),
    );
    expect(issue.title).toBe("Help imap-1");
    await eventually(async () => (await dovecot.list("INBOX", mailboxUser)).length === 0);
    const archived = await dovecot.list("Archive", mailboxUser);
    expect(archived).toHaveLength(1);
    expect(archived[0].flags).toEqual(expect.arrayContaining(["\\Seen", PROCESSED_FLAG]));
    const cursor = await ds.getRepository(ImapCursorEntity).findOneByOrFail({ mailboxKey: inbound.imap[0].mailboxKey });
    expect(cursor.mailboxKey).not.toContain("secret");
    expect(Number(cursor.lastUid)).toBeGreaterThanOrEqual(1);
  });

  it("fetches a backlog in chunks bounded by the sizes the server reports, and loses none of it", async () => {
    // Three waiting messages of ~1.5 KB with a 2 KB bound: each is fetched, stored and flagged on its own
    // (the same rule keeps a hundred 25 MB messages from being held at once).
    for (const n of ["c1", "c2", "c3"]) {
      await dovecot.append(simpleMessage({ projectId, n, body: "x".repeat(1_200) }), { user: mailboxUser });
    }
    const chunks: number[][] = [];
    await start({}, { imapChunkBytes: 2_048, imapHooks: { beforeFlag: (ids) => void chunks.push(ids) } });
    await eventually(async () => (await issueCount()) === 3);
    await eventually(async () => chunks.flat().length === 3);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1]);
    await eventually(async () => (await dovecot.list("INBOX", mailboxUser)).length === 0);
    expect(await dovecot.list("Archive", mailboxUser)).toHaveLength(3);
  });

  it("rescans the whole folder when UIDVALIDITY changes, without duplicates", async () => {
    let inbound = await start();
    const a = simpleMessage({ projectId, n: "uv-a" });
    await dovecot.append(a, { user: mailboxUser });
    await eventually(async () => (await issueCount()) === 1);
    await eventually(async () => (await dovecot.list("INBOX", mailboxUser)).length === 0);
    await inbound.stop();
    running.splice(0);
    // The same message shows up again (restored by an admin) next to a new one, and the server renumbers.
    await dovecot.append(a, { user: mailboxUser });
    await dovecot.append(simpleMessage({ projectId, n: "uv-b" }), { user: mailboxUser });
    dovecot.setUidValidity(4242, { user: mailboxUser });
    inbound = await start();
    await eventually(async () => (await dovecot.list("INBOX", mailboxUser)).length === 0);
    await eventually(async () => (await issueCount()) === 2);
    const cursor = await ds.getRepository(ImapCursorEntity).findOneByOrFail({ mailboxKey: inbound.imap[0].mailboxKey });
    expect(cursor.uidValidity).toBe("4242");
    expect(await ds.getRepository(IssueEntity).countBy({ messageId: `msg-uv-a-${projectId}@example.org` })).toBe(1);
  });

  it("lets only one of two consumers hold the mailbox, and the other takes over when it stops", async () => {
    const first = await start();
    await eventually(async () => first.imap[0].holdsLease());
    const second = await start();
    for (let i = 0; i < 5; i++)
      await dovecot.append(simpleMessage({ projectId, n: `lease-${i}` }), { user: mailboxUser });
    await eventually(async () => (await issueCount()) === 5);
    expect([first.imap[0].holdsLease(), second.imap[0].holdsLease()]).toEqual([true, false]);
    await first.stop();
    running.splice(running.indexOf(first), 1);
    await eventually(async () => second.imap[0].holdsLease());
    await dovecot.append(simpleMessage({ projectId, n: "lease-after" }), { user: mailboxUser });
    await eventually(async () => (await issueCount()) === 6);
  });
});
