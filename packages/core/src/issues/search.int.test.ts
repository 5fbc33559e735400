// Issue 10.5, search that finds: prefix and stemmed, accent-insensitive matches over title, description
// and the comments the viewer may read; the requester's address and domain for Reporter+ only; a
// highlighted snippet per hit that never shows what the viewer may not read. Real PostgreSQL.
import { NoteEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNote } from "../notes/create-note.ts";
import { deleteNote, editNote } from "../notes/edit-note.ts";
import { TEST_MAIL_SETTINGS as mail } from "../notifications/testing/mail-settings.ts";
import { seedDemoProject } from "../testing/demo-project.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { createIssue } from "./create-issue.ts";
import { listIssues, resolveIssueListFilter } from "./list-issues.ts";
import { resolveSearch } from "./list-search.ts";
import { searchSnippets, searchSnippetsStatement } from "./search-snippets.ts";

let db: TestDatabase;
let projectId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction(async (t) => {
    const { bot, projectId: demoApp } = await seedDemoProject(t, "password1234");
    const dev = await t.findOneByOrFail(UserEntity, { username: "developer" });
    projectId = demoApp;
    const ticket = (title: string, description: string, externalAuthor = "someone@customer.example") =>
      createIssue(t, { projectId, title, description, authorId: bot.id, confidential: false, externalAuthor });
    await ticket("Money back", "I would like my refunds for the last two orders.");
    await ticket("Cannot get in", "The login page spins forever.");
    await ticket("Escalation", "It was escalated twice.");
    await ticket("Bestellung 881", "Bitte um Rückerstattung des Betrags.");
    const quiet = await ticket("Printer question", "It prints slowly.");
    await createNote(t, mail, { issueId: quiet.id, authorId: dev.id, body: "Customer mentioned a paperjam earlier." });
    const noted = await ticket("Scanner question", "It scans slowly.");
    await createNote(t, mail, {
      issueId: noted.id,
      authorId: dev.id,
      body: "Between us: the firmware blunderbuss caused it.",
      internal: true,
    });
    await createNote(t, mail, { issueId: noted.id, authorId: dev.id, body: "Looking into it.", system: true });
    await ticket("Shipping", "Where is my parcel?", "ada.lovelace@analytical-engines.example");
  });
});
afterAll(async () => db?.drop());

const REPORTER = { readConfidential: true, viewerId: null };
const GUEST = { readConfidential: false, viewerId: null };

/** The titles a viewer finds for a search, and each hit's snippet as text with [highlights]. */
const search = async (term: string, viewer = REPORTER) => {
  const filter = await resolveIssueListFilter(db.dataSource.manager, {
    projectId,
    state: "all",
    search: term,
    ...viewer,
  });
  if (!filter) throw new Error(term);
  const { rows } = await listIssues(db.dataSource.manager, filter, { first: 50 });
  const snippets = await searchSnippets(
    db.dataSource.manager,
    filter,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const s = snippets.get(r.id);
    const text = s?.parts.map((x) => (x.highlight ? `[${x.text}]` : x.text)).join("") ?? null;
    return { title: r.title, source: s?.source ?? null, snippet: text };
  });
};
const titles = async (term: string, viewer = REPORTER) => (await search(term, viewer)).map((r) => r.title);

describe("search that finds (10.5)", () => {
  it('stems and matches prefixes: "refund" finds "refunds", "log" finds "login", "refunding" finds "refunds"', async () => {
    expect(await titles("refund")).toEqual(["Money back"]);
    expect(await titles("refunding")).toEqual(["Money back"]);
    expect(await titles("log")).toEqual(["Cannot get in"]);
    // Typed past the stem ("escalated" is stored as `escal`): the plain word still matches.
    expect(await search("escalat")).toEqual([
      { title: "Escalation", source: "DESCRIPTION", snippet: "It was [escalated] twice." },
    ]);
  });

  it('ignores accents both ways: "ruckerstattung" and "rückerst" find "Rückerstattung"', async () => {
    expect(await titles("ruckerstattung")).toEqual(["Bestellung 881"]);
    expect(await titles("rückerst")).toEqual(["Bestellung 881"]);
    expect(await titles("RUCKERSTATTUNG", GUEST)).toEqual(["Bestellung 881"]);
  });

  it("finds a word that is only in a comment, for every reader, with that comment as the snippet", async () => {
    for (const viewer of [REPORTER, GUEST])
      expect(await search("paperjam", viewer)).toEqual([
        { title: "Printer question", source: "COMMENT", snippet: "Customer mentioned a [paperjam] earlier." },
      ]);
  });

  it("finds a word only in an internal note for Reporter+, never for a Guest (nor in a snippet)", async () => {
    expect(await search("blunderbuss")).toEqual([
      {
        title: "Scanner question",
        source: "INTERNAL_NOTE",
        snippet: "Between us: the firmware [blunderbuss] caused it.",
      },
    ]);
    expect(await titles("blunderbuss", GUEST)).toEqual([]);
    expect(await titles("firmware blunderbuss", GUEST)).toEqual([]);
    // A guest's hit on the same issue shows its own text, not the internal note.
    const [hit] = await search("scanner", GUEST);
    expect(hit.title).toBe("Scanner question");
    expect(hit.snippet).not.toContain("blunderbuss");
  });

  it("leaves system notes out of search", async () => {
    expect(await titles("looking")).toEqual([]);
  });

  it("finds the requester's address and domain for Reporter+, not for a Guest (the address is obfuscated there)", async () => {
    const reporterHit = [
      { title: "Shipping", source: "REQUESTER", snippet: "[ada.lovelace@analytical-engines.example]" },
    ];
    expect(await search("ada.lovelace@analytical-engines.example")).toEqual(reporterHit);
    expect(await search("analytical-engines.example")).toEqual(reporterHit);
    expect(await search("analytical")).toEqual(reporterHit);
    for (const term of ["ada.lovelace@analytical-engines.example", "analytical-engines.example", "analytical"])
      expect(await titles(term, GUEST), term).toEqual([]);
  });

  it("highlights the match in the description, and in the title when only the title matches", async () => {
    expect(await search("refund")).toEqual([
      { title: "Money back", source: "DESCRIPTION", snippet: "I would like my [refunds] for the last two orders." },
    ]);
    expect(await search("ruckerstattung")).toEqual([
      { title: "Bestellung 881", source: "DESCRIPTION", snippet: "Bitte um [Rückerstattung] des Betrags." },
    ]);
    expect(await search("shipping")).toEqual([{ title: "Shipping", source: "TITLE", snippet: "[Shipping]" }]);
  });

  it("follows a comment that is edited, moved to another ticket or deleted", async () => {
    const t = db.dataSource.manager;
    const bot = await ensureSupportBot(t);
    const dev = await t.findOneByOrFail(UserEntity, { username: "developer" });
    const open = (title: string) =>
      createIssue(t, {
        projectId,
        title,
        description: "",
        authorId: bot.id,
        confidential: false,
        externalAuthor: null,
      });
    const first = await open("First of two");
    const second = await open("Second of two");
    const note = await createNote(t, mail, { issueId: first.id, authorId: dev.id, body: "A wombat appeared." });
    expect(await titles("wombat")).toEqual(["First of two"]);
    await db.dataSource.transaction((m) =>
      editNote(m, { noteId: note.id, actorId: dev.id, body: "A platypus appeared." }),
    );
    expect(await titles("wombat")).toEqual([]);
    expect(await titles("platypus")).toEqual(["First of two"]);
    await t.update(NoteEntity, { id: note.id }, { issueId: second.id });
    expect(await titles("platypus")).toEqual(["Second of two"]);
    await db.dataSource.transaction((m) => deleteNote(m, { noteId: note.id, actorId: dev.id }));
    expect(await titles("platypus")).toEqual([]);
  });

  it("keeps the snippet plain text: markup in the text is a text part, not HTML", async () => {
    const t = db.dataSource.manager;
    const bot = await ensureSupportBot(t);
    const issue = await createIssue(t, {
      projectId,
      title: "Odd one",
      description: 'Look: <img src=x onerror="alert(1)"> quokka here',
      authorId: bot.id,
      confidential: false,
      externalAuthor: null,
    });
    const { tsquery } = await resolveSearch(t, "quokka");
    const snippets = await searchSnippets(t, { projectId, tsquery, readConfidential: true }, [issue.id]);
    const parts = snippets.get(issue.id)?.parts ?? [];
    expect(parts.filter((x) => x.highlight).map((x) => x.text)).toEqual(["quokka"]);
    expect(parts.map((x) => x.text).join("")).toContain("quokka here");
  });
  it("reads the comments for a snippet only where the issue's own text did not match", async () => {
    const t = db.dataSource.manager;
    /** How many times the statement's scan of the notes ran, for a page of issues found by `term`. */
    const noteScans = async (term: string) => {
      const filter = await resolveIssueListFilter(t, { projectId, state: "all", search: term, ...REPORTER });
      if (!filter?.tsquery) throw new Error(term);
      const { rows } = await listIssues(t, filter, { first: 50 });
      const { sql, params } = searchSnippetsStatement(
        { ...filter, tsquery: filter.tsquery },
        rows.map((r) => r.id),
      );
      const [explained] = await t.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const plan = explained["QUERY PLAN"][0];
      type Node = { "Relation Name"?: string; "Actual Loops": number; Plans?: Node[] };
      const loops = (n: Node): number =>
        (n["Relation Name"] === "notes" ? n["Actual Loops"] : 0) + (n.Plans ?? []).reduce((a, c) => a + loops(c), 0);
      return { rows: rows.length, loops: loops(plan.Plan) };
    };
    // "slowly" is in two descriptions; "paperjam" only in a comment.
    expect(await noteScans("slowly")).toEqual({ rows: 2, loops: 0 });
    expect((await noteScans("paperjam")).loops).toBeGreaterThan(0);
  });
});

describe("search after ANALYZE", () => {
  it("works when a vector column has statistics but no common lexemes (no comment or internal note yet)", async () => {
    const fresh = await createTestDatabase();
    try {
      const m = fresh.dataSource.manager;
      const freshProjectId = await fresh.dataSource.transaction(async (t) => {
        const { bot, projectId: demoApp } = await seedDemoProject(t, "password1234");
        await createIssue(t, {
          projectId: demoApp,
          title: "Refund",
          description: "Order 4242 arrived broken.",
          authorId: bot.id,
          confidential: false,
          externalAuthor: "someone@customer.example",
        });
        return demoApp;
      });
      await m.query("ANALYZE issues");
      const stats: { attname: string; lexemes: string[] | null }[] = await m.query(
        `SELECT attname, most_common_elems::text::text[] AS lexemes FROM pg_stats
         WHERE tablename = 'issues' AND attname LIKE '%\\_vector'`,
      );
      // The case the rarity check must survive: a vector column with statistics but no common lexemes.
      expect(
        stats
          .filter((s) => s.lexemes === null)
          .map((s) => s.attname)
          .sort(),
      ).toContain("comments_vector");
      for (const term of ["refund", "order 4242", "someone@customer.example"]) {
        const filter = await resolveIssueListFilter(m, {
          projectId: freshProjectId,
          state: "all",
          search: term,
          ...REPORTER,
        });
        if (!filter) throw new Error(term);
        const { rows } = await listIssues(m, filter, { first: 50 });
        expect(
          rows.map((r) => r.title),
          term,
        ).toEqual(["Refund"]);
      }
    } finally {
      await fresh.drop();
    }
  });
});
