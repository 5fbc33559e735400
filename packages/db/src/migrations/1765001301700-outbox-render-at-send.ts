import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 14.3: a customer email queued by ingest (the thank-you, a new participant's, a note to the other
 * participants) stores what it is rendered from (`render`: the template and its values) instead of its
 * rendered bodies; the outbox runner renders it when it sends. Rendering (Markdown and sanitising) was
 * ~0.12 ms of the processing thread per new issue, inside the batch's transaction, and two bodies of
 * several KB each in its WAL. An email has its bodies or what renders them, never neither.
 */
export class OutboxRenderAtSend1765001301700 implements MigrationInterface {
  name = "OutboxRenderAtSend1765001301700";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "outbound_emails" ADD "render" jsonb`);
    await q.query(`ALTER TABLE "outbound_emails" ALTER COLUMN "text_body" DROP NOT NULL`);
    await q.query(
      `ALTER TABLE "outbound_emails" ADD CONSTRAINT "chk_outbound_emails_body_or_render"
       CHECK ("text_body" IS NOT NULL OR "render" IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE "outbound_emails" DROP CONSTRAINT "chk_outbound_emails_body_or_render"`);
    // Never drops a queued email: reverting waits until the runner has sent what renders at send.
    await q.query(
      `DO $$ BEGIN
         IF EXISTS (SELECT 1 FROM outbound_emails WHERE text_body IS NULL AND status IN ('queued', 'sending')) THEN
           RAISE EXCEPTION 'outbound_emails holds queued emails that render when sent: let the outbox runner send them, then revert';
         END IF;
       END $$`,
    );
    // Sent or failed: their bodies are not kept (what was sent went out); an empty text satisfies NOT NULL.
    await q.query(`UPDATE "outbound_emails" SET "text_body" = '' WHERE "text_body" IS NULL`);
    await q.query(`ALTER TABLE "outbound_emails" ALTER COLUMN "text_body" SET NOT NULL`);
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "render"`);
  }
}
