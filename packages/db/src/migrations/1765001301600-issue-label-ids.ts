import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 14.4: a list filtered by two labels, one common and one rare ("bug" on every 5th issue, "urgent"
 * on every 97th), took 43 ms of SQL at 1M issues: intersecting them through `issue_labels` reads the common
 * label's 200,000 index entries (20 ms alone on this machine), and probing the rare one's 10,000 issues one
 * by one is no cheaper (27 ms).
 *
 * Each issue now carries its label ids, `issues.label_ids` (sorted), kept by a trigger on `issue_labels`,
 * which stays the one place labels are written and read for display. A list asks `label_ids @> {ids}`:
 * - a GIN index over the labelled issues intersects the labels' posting lists (6 ms for both labels);
 * - the count's covering index (migration 1765000700000) includes the array, so a capped count filtered
 *   by labels stays an index-only walk.
 * The GIN index is partial (`label_ids <> '{}'`): most issues, and every issue an email opens, have no label,
 * so ingest adds no GIN entry. A list's condition names the predicate too (`issueLabelsCondition`).
 *
 * The trigger is per statement, over the changed rows' issues. It first locks those issues, then reads
 * their labels in a new statement: under READ COMMITTED each statement of a function sees what committed
 * before it, so two transactions labelling the same issue at once end with both labels (a test proves it).
 * The lock is FOR NO KEY UPDATE: it does not wait for the key-share locks the foreign key takes.
 */
export class IssueLabelIds1765001301600 implements MigrationInterface {
  name = "IssueLabelIds1765001301600";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "issues" ADD "label_ids" integer array NOT NULL DEFAULT '{}'`);
    await q.query(
      `CREATE FUNCTION tidings_issue_label_ids_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
       DECLARE ids int[];
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           ids := ARRAY(SELECT issue_id FROM changed UNION SELECT issue_id FROM changed_before);
         ELSE
           ids := ARRAY(SELECT DISTINCT issue_id FROM changed);
         END IF;
         PERFORM 1 FROM issues WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
         UPDATE issues i
            SET label_ids = ARRAY(SELECT il.label_id FROM issue_labels il WHERE il.issue_id = i.id ORDER BY il.label_id)
          WHERE i.id = ANY(ids);
         RETURN NULL;
       END $fn$`,
    );
    await q.query(
      `CREATE TRIGGER "trg_issue_labels_insert" AFTER INSERT ON "issue_labels" REFERENCING NEW TABLE AS changed
       FOR EACH STATEMENT EXECUTE FUNCTION tidings_issue_label_ids_trigger()`,
    );
    await q.query(
      `CREATE TRIGGER "trg_issue_labels_delete" AFTER DELETE ON "issue_labels" REFERENCING OLD TABLE AS changed
       FOR EACH STATEMENT EXECUTE FUNCTION tidings_issue_label_ids_trigger()`,
    );
    await q.query(
      `CREATE TRIGGER "trg_issue_labels_update" AFTER UPDATE ON "issue_labels"
       REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed
       FOR EACH STATEMENT EXECUTE FUNCTION tidings_issue_label_ids_trigger()`,
    );
    await q.query(
      `UPDATE "issues" i SET "label_ids" = s.ids
         FROM (SELECT issue_id, array_agg(label_id ORDER BY label_id) AS ids FROM issue_labels GROUP BY issue_id) s
        WHERE s.issue_id = i.id`,
    );
    await q.query(`CREATE INDEX "idx_issues_label_ids" ON "issues" USING GIN ("label_ids") WHERE "label_ids" <> '{}'`);
    await q.query(
      `CREATE INDEX "idx_issues_project_state_author_id_labels_cover" ON "issues" ("project_id", "state", "author_id", "id") INCLUDE ("confidential", "label_ids")`,
    );
    await q.query(`DROP INDEX "idx_issues_project_state_author_id_cover"`);
    // Statistics of the new column now, not when autovacuum gets to it: without them the planner guesses
    // how common a label is, and read a common label's 200,000 issues to sort them (750 ms at 1M issues).
    await q.query(`ANALYZE "issues"`);
  }

  async down(q: QueryRunner) {
    await q.query(
      `CREATE INDEX "idx_issues_project_state_author_id_cover" ON "issues" ("project_id", "state", "author_id", "id") INCLUDE ("confidential")`,
    );
    await q.query(`DROP INDEX "idx_issues_project_state_author_id_labels_cover"`);
    await q.query(`DROP INDEX "idx_issues_label_ids"`);
    await q.query(`DROP TRIGGER "trg_issue_labels_update" ON "issue_labels"`);
    await q.query(`DROP TRIGGER "trg_issue_labels_delete" ON "issue_labels"`);
    await q.query(`DROP TRIGGER "trg_issue_labels_insert" ON "issue_labels"`);
    await q.query(`DROP FUNCTION tidings_issue_label_ids_trigger()`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "label_ids"`);
  }
}
