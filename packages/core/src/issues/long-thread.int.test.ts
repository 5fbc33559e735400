// Issue 14.3: a thread that keeps growing (a monitor mailing the desk, replies threading onto one issue for
// months) must keep taking notes at the same cost. The issue's comment vectors, which the list's search
// reads, joined every note's vector again on every note: each note cost more than the last, PostgreSQL
// refuses a tsvector over 1 MB, and every change to the issue's row rewrote all the words into the search
// indexes. They now hold the newest notes that fit a budget (migration 1765001302500).
import { ISSUE_NOTE_VECTOR_LEXEMES, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createNote } from "../notes/create-note.ts";
import { TEST_MAIL_SETTINGS as mail } from "../notifications/testing/mail-settings.ts";
import { seedDemoProject } from "../testing/demo-project.ts";
import { createIssue } from "./create-issue.ts";
import { listIssues } from "./list-issues.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

/** An alert as monitors send them: hosts, checks and run ids that no other alert shares (60 such words). */
const alert = (n: number) =>
  `Alert ${n} from monitoring: ${Array.from({ length: 20 }, (_, k) => `host${n}x${k} check${n}y${k} run${(n * 7919 + k * 104729).toString(36)}z`).join(" ")}`;

it("an issue whose thread outgrows its search vectors' budget keeps taking notes, found by its newest", async () => {
  const { issueId, projectId, devId } = await db.dataSource.transaction(async (t) => {
    const { bot, projectId } = await seedDemoProject(t, "password1234");
    const dev = await t.findOneByOrFail(UserEntity, { username: "developer" });
    const issue = await createIssue(t, {
      projectId,
      title: "Nightly monitoring alerts",
      description: "The monitor writes here.",
      authorId: bot.id,
      confidential: false,
      externalAuthor: "monitor@ops.example",
    });
    return { issueId: issue.id, projectId, devId: dev.id };
  });
  // 300 notes, every fourth an internal one: each kind holds more words than its budget.
  const notes = 300;
  for (let n = 1; n <= notes; n++)
    await db.dataSource.transaction((t) =>
      createNote(t, mail, { issueId, authorId: devId, body: alert(n), internal: n % 4 === 0 }),
    );
  const [row] = await db.dataSource.query(
    `SELECT (SELECT count(*)::int FROM notes WHERE issue_id = $1) AS notes,
            length(comments_vector) AS comments, length(internal_notes_vector) AS internal FROM issues WHERE id = $1`,
    [issueId],
  );
  expect(row.notes).toBe(notes);
  // Each within the budget, and holding more than a few notes' words (an alert has 60 and more).
  for (const lexemes of [row.comments, row.internal]) {
    expect(lexemes).toBeLessThanOrEqual(ISSUE_NOTE_VECTOR_LEXEMES);
    expect(lexemes).toBeGreaterThan(ISSUE_NOTE_VECTOR_LEXEMES / 2);
  }

  const found = async (search: string) => {
    const { rows } = await listIssues(
      db.dataSource.manager,
      { projectId, state: "all", search, readConfidential: true, viewerId: devId },
      { first: 5 },
    );
    return rows.length;
  };
  // Its title, its newest comment and newest internal note find it; the first alert's words no longer do
  // (the thread still shows that note; the list's search reads the newest that fit).
  expect(await found("nightly")).toBe(1);
  expect(await found(`host${notes - 1}x3`)).toBe(1);
  expect(await found(`host${notes}x3`)).toBe(1);
  expect(await found("host1x3")).toBe(0);
}, 120_000);
