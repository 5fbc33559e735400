import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 9.4: a reply key is a bearer credential (it posts as the customer and unsubscribes them), so the
 * table replies are resolved through keeps only its SHA-256 digest, like sessions and access tokens.
 * Existing keys keep working: their digests are computed here. Keys already quoted into stored notes and
 * descriptions (a customer's reply quotes our Reply-To address and unsubscribe link) are redacted.
 * `down` cannot recover the keys: it restores the column with the digests, which match no reply.
 */
export class ReplyKeyDigests1765000100000 implements MigrationInterface {
  name = "ReplyKeyDigests1765000100000";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "sent_notifications" ADD "reply_key_digest" text`);
    await q.query(
      `UPDATE "sent_notifications" SET "reply_key_digest" = encode(sha256(convert_to("reply_key", 'UTF8')), 'hex')`,
    );
    await q.query(`ALTER TABLE "sent_notifications" ALTER COLUMN "reply_key_digest" SET NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS "uq_sent_notifications_reply_key"`);
    await q.query(`ALTER TABLE "sent_notifications" DROP COLUMN "reply_key"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_sent_notifications_reply_key_digest" ON "sent_notifications" ("reply_key_digest")`,
    );
    for (const [table, column] of [
      ["notes", "body"],
      ["issues", "description"],
    ]) {
      await q.query(
        `UPDATE "${table}" SET "${column}" = regexp_replace(regexp_replace(regexp_replace("${column}",
           '(/-/unsubscribe/)[0-9a-fA-F]{32}', '\\1[redacted]', 'g'),
           '\\+[0-9a-fA-F]{32}(-unsubscribe)?@', '+[redacted]\\1@', 'g'),
           'reply-[0-9a-fA-F]{32}@', 'reply-[redacted]@', 'g')
         WHERE "${column}" ~ '(/-/unsubscribe/[0-9a-fA-F]{32}|\\+[0-9a-fA-F]{32}(-unsubscribe)?@|reply-[0-9a-fA-F]{32}@)'`,
      );
    }
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX IF EXISTS "uq_sent_notifications_reply_key_digest"`);
    await q.query(`ALTER TABLE "sent_notifications" ADD "reply_key" text`);
    await q.query(`UPDATE "sent_notifications" SET "reply_key" = "reply_key_digest"`);
    await q.query(`ALTER TABLE "sent_notifications" ALTER COLUMN "reply_key" SET NOT NULL`);
    await q.query(`ALTER TABLE "sent_notifications" DROP COLUMN "reply_key_digest"`);
    await q.query(`CREATE UNIQUE INDEX "uq_sent_notifications_reply_key" ON "sent_notifications" ("reply_key")`);
  }
}
