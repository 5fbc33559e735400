import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 10.3: the requester's display name is kept with the issue when its email opens it, so the list
 * shows it without parsing fifty stored emails per page. Older issues keep null ("unknown") and are read
 * from their stored email as before.
 */
export class RequesterName1765001301400 implements MigrationInterface {
  name = "RequesterName1765001301400";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "issues" ADD "external_author_name" text`);
  }

  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE "issues" DROP COLUMN "external_author_name"`);
  }
}
