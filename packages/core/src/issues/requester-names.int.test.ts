// Issue 10.3: the issue list's requester names — the display name of the email that opened each issue,
// matched to the requester's address (Reply-To before From, as the requester is chosen), for a whole page in
// one statement that finds its rows through an index, however long the ledger.
import { type EntityManager, ProjectEntity } from "@tidings/db";
import { createTestDatabase, explainPlan, seqScans, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { seedDemo } from "../seed/seed-demo.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { createIssue } from "./create-issue.ts";
import { REQUESTER_NAMES_SQL, requesterNames } from "./requester-names.ts";

let db: TestDatabase;
let m: EntityManager;
let project: ProjectEntity;
const LEDGER = 20_000;

const ledger = async (issueId: number, headers: string, noteId: number | null = null) => {
  const raw = Buffer.from(`${headers}\r\nSubject: Hi\r\n\r\nHello\r\n`);
  await m.query(
    `INSERT INTO inbound_emails (idempotency_key, transport, raw, size_bytes, sha256, status, project_id, issue_id, note_id)
     VALUES (gen_random_uuid()::text, 'smtp', $1, $2, 'x', $3, $4, $5, $6)`,
    [raw, raw.length, noteId === null ? "issue" : "note", project.id, issueId, noteId],
  );
};

beforeAll(async () => {
  db = await createTestDatabase();
  m = db.dataSource.manager;
  await db.dataSource.transaction((t) => seedDemo(t, { password: "password1234" }));
  project = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
  // A long ledger: many emails of other issues, most of them notes, so a scan would show in the plan.
  await m.query(
    `INSERT INTO inbound_emails (idempotency_key, transport, raw, size_bytes, sha256, status, project_id, issue_id, note_id)
     SELECT 'bulk-' || g, 'smtp', convert_to('From: Someone <s' || g || '@example.net>', 'UTF8'), 40, 'x',
            CASE WHEN g % 10 = 0 THEN 'issue' ELSE 'note' END, $1, 1000000 + g / 10, CASE WHEN g % 10 = 0 THEN NULL ELSE g END
       FROM generate_series(1, $2) AS g`,
    [project.id, LEDGER],
  );
  await m.query("ANALYZE inbound_emails");
}, 120_000);
afterAll(async () => db?.drop());

it("reads each requester's name from the email that opened the issue, matched to their address", async () => {
  const issues = await db.dataSource.transaction(async (t) => {
    const bot = await ensureSupportBot(t);
    const open = (title: string, externalAuthor: string) =>
      createIssue(t, {
        projectId: project.id,
        title,
        description: "",
        authorId: bot.id,
        confidential: true,
        externalAuthor,
      });
    return {
      ada: await open("Printer", "ada@customer.example"),
      ben: await open("Invoice", "ben@customer.example"),
      forged: await open("Wire", "x@evil.example"),
      noName: await open("Plain", "plain@customer.example"),
      noEmail: await open("Typed in", "typed@customer.example"),
    };
  });
  await ledger(issues.ada.id, `From: "Ada Lovelace" <ada@customer.example>`);
  // A later reply (a note) names her differently: the list keeps the name of the opening email.
  await ledger(issues.ada.id, `From: Countess <ada@customer.example>`, 77);
  // Replies go to Reply-To, so Ben is the requester: his name, not the sending system's.
  await ledger(
    issues.ben.id,
    `From: Billing System <noreply@billing.example>\r\nReply-To: Ben Reyes <ben@customer.example>`,
  );
  // A "name" that is an address would impersonate beside ours: no name (cleanDisplayName).
  await ledger(issues.forged.id, `From: "ceo@bank.example" <x@evil.example>`);
  await ledger(issues.noName.id, "From: plain@customer.example");

  const names = await requesterNames(
    m,
    Object.values(issues).map((i) => i.id),
  );
  expect(Object.fromEntries(Object.entries(issues).map(([k, i]) => [k, names.get(i.id) ?? null]))).toEqual({
    ada: "Ada Lovelace",
    ben: "Ben Reyes",
    forged: null,
    noName: null,
    noEmail: null,
  });
  expect(await requesterNames(m, [])).toEqual(new Map());
});

it("finds a page's opening emails through the index, not by reading the ledger", async () => {
  const page = Array.from({ length: 50 }, (_, i) => 1000000 + i * 7);
  const plan = await explainPlan(m, REQUESTER_NAMES_SQL, [page]);
  expect(seqScans(plan).filter((r) => r === "inbound_emails")).toEqual([]);
});

it("keeps the name an email gives its requester with the new issue, and reads it from there", async () => {
  const w = await createIngestWorld(db.dataSource);
  const desk = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
  const mail = (from: string, id: string) =>
    Buffer.from(`From: ${from}\r\nTo: ${desk}\r\nSubject: Hi\r\nMessage-ID: <${id}>\r\n\r\nHello\r\n`);
  const named = (await w.ingest(mail("=?utf-8?q?Ad=C3=A9la_Novak?= <adela@customer.example>", "n1@x"))).result;
  const bare = (await w.ingest(mail("bare@customer.example", "n2@x"))).result;
  const kept: { id: number; name: string | null }[] = await m.query(
    "SELECT id, external_author_name AS name FROM issues WHERE id = ANY($1::int[]) ORDER BY id",
    [[named?.issueId, bare?.issueId]],
  );
  expect(kept.map((r) => r.name)).toEqual(["Adéla Novak", ""]);
  // The list reads the kept name: the stored email is no longer consulted (here: rewritten).
  await m.query(
    "UPDATE inbound_emails SET raw = convert_to('From: Someone Else <adela@customer.example>', 'UTF8') WHERE issue_id = $1",
    [named?.issueId],
  );
  const names = await requesterNames(m, [named?.issueId ?? 0, bare?.issueId ?? 0]);
  expect([...names.entries()]).toEqual([[named?.issueId, "Adéla Novak"]]);
});
