import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11.5 kept with the draft: the newest note the author had seen when they began writing it. A reply is
 * checked against that mark, not against what arrived since; the composer kept it in memory only, so a
 * reload (or the thread being fetched again) lost it, and a reply written without a newer message went out
 * unchecked. A note id, not a reference: a deleted note leaves the mark as it was.
 */
export class DraftSeenMark1765001302100 implements MigrationInterface {
  name = "DraftSeenMark1765001302100";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "note_drafts" ADD COLUMN "last_seen_note_id" integer`);
  }

  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE "note_drafts" DROP COLUMN "last_seen_note_id"`);
  }
}
