// insertRows against real PostgreSQL: what it stores equals what TypeORM's insert builder stores for the
// same entity values (arrays, JSON, defaults), ids come back in order, rows that give different columns
// keep the defaults of the ones they leave out, and a conflicting row is skipped with a null id.
import { afterAll, beforeAll, expect, it } from "vitest";
import { OutboundEmailEntity } from "./entities/index.ts";
import { insertRows } from "./insert-rows.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

const email = (n: number, extra: Partial<OutboundEmailEntity> = {}): Partial<OutboundEmailEntity> => ({
  kind: "thank_you",
  dedupeKey: `rows:${n}`,
  messageId: `<${extra.dedupeKey ?? n}@tidings.test>`,
  toAddress: `customer${n}@example.org`,
  subject: `Ticket ${n} — “quoted”, ünïcode`,
  references: [`<a${n}@x>`, '<b,with{braces}"and quotes"@x>'],
  headers: { "X-Ticket": String(n), "Auto-Submitted": "auto-replied", "X-Quote": 'say "hi" \\ back\\slash ü' },
  textBody: `Line one\nLine two of ${n}`,
  htmlBody: null,
  status: "queued",
  ...extra,
});

/** A stored row without what differs by construction (id, timestamps, the unique keys). */
const stored = async (id: number) => {
  const row = await db.dataSource.manager.findOneByOrFail(OutboundEmailEntity, { id });
  const { id: _id, createdAt, updatedAt: _u, nextAttemptAt, dedupeKey: _key, messageId: _m, ...rest } = row;
  expect(createdAt).toBeInstanceOf(Date);
  expect(nextAttemptAt).toBeInstanceOf(Date);
  return rest;
};

it("stores what the insert builder stores, and returns the ids in order", async () => {
  const manager = db.dataSource.manager;
  const viaBuilder = await manager
    .createQueryBuilder()
    .insert()
    .into(OutboundEmailEntity)
    .values(email(1, { dedupeKey: "builder" }))
    .returning(["id"])
    .execute();
  const ids = await insertRows(manager, OutboundEmailEntity, [email(1), email(2), email(3)]);
  expect(ids).toHaveLength(3);
  const subjects = await Promise.all(ids.map(async (id) => (await stored(id)).subject));
  expect(subjects).toEqual([1, 2, 3].map((n) => `Ticket ${n} — “quoted”, ünïcode`));
  expect(await stored(ids[0])).toEqual(await stored(viaBuilder.identifiers[0].id as number));
  const first = await stored(ids[0]);
  expect(first.references).toEqual(["<a1@x>", '<b,with{braces}"and quotes"@x>']);
  expect(first.headers).toEqual({
    "X-Ticket": "1",
    "Auto-Submitted": "auto-replied",
    "X-Quote": 'say "hi" \\ back\\slash ü',
  });
  expect(first.attempts).toBe(0);
  expect(first.attachments).toEqual([]);
});

it("keeps the defaults of columns a row leaves out, beside rows that give them", async () => {
  const { references: _r, headers: _h, ...bare } = email(10);
  const ids = await insertRows(db.dataSource.manager, OutboundEmailEntity, [
    bare,
    email(11),
    { ...bare, dedupeKey: "rows:12", messageId: "<rows12@tidings.test>" },
  ]);
  const rows = await Promise.all(ids.map(stored));
  expect(rows.map((r) => r.references)).toEqual([[], ["<a11@x>", '<b,with{braces}"and quotes"@x>'], []]);
  expect(rows.map((r) => r.headers)).toEqual([
    {},
    { "X-Ticket": "11", "Auto-Submitted": "auto-replied", "X-Quote": 'say "hi" \\ back\\slash ü' },
    {},
  ]);
});

it("stores a jsonb column's values as the insert builder does, in row order, SQL NULL where a row has none", async () => {
  const manager = db.dataSource.manager;
  const render = (n: number) => ({
    template: `Thanks, %{ISSUE_ID}! "quoted" \\ ${n} — ü\u0001`,
    values: { NOTE_TEXT: `{"not": "json"} ${n}\n> quoted`, EMPTY: "" },
    subject: `Re: [${n}]`,
  });
  const rendered = (n: number) => email(n, { textBody: null, render: render(n) });
  const viaBuilder = await manager
    .createQueryBuilder()
    .insert()
    .into(OutboundEmailEntity)
    .values(email(30, { dedupeKey: "builder-render", textBody: null, render: render(30) }))
    .returning(["id"])
    .execute();
  const ids = await insertRows(manager, OutboundEmailEntity, [rendered(30), email(31, { render: null }), rendered(32)]);
  const rows = await Promise.all(ids.map(stored));
  expect(rows.map((r) => r.render)).toEqual([render(30), null, render(32)]);
  // SQL NULL, not the JSON value null (which reads back as null too).
  const nulls = await manager.query(
    "SELECT render IS NULL AS none FROM outbound_emails WHERE id = ANY($1::int[]) ORDER BY array_position($1::int[], id)",
    [ids],
  );
  expect(nulls.map((r: { none: boolean }) => r.none)).toEqual([false, true, false]);
  expect(rows[0]).toEqual(await stored(viaBuilder.identifiers[0].id as number));
});

it("skips a row whose unique key exists when asked to, with a null id", async () => {
  const manager = db.dataSource.manager;
  const [kept] = await insertRows(manager, OutboundEmailEntity, [email(20)]);
  const again = await insertRows(manager, OutboundEmailEntity, [email(20)], { ignoreConflicts: true });
  expect(again).toEqual([null]);
  expect(await manager.countBy(OutboundEmailEntity, { dedupeKey: "rows:20" })).toBe(1);
  expect(kept).toBeGreaterThan(0);
  await expect(insertRows(manager, OutboundEmailEntity, [email(20)])).rejects.toThrow(/duplicate key/);
});
