import type { MigrationInterface, QueryRunner } from "typeorm";

/** Issue 10.6: personal access tokens carry GitLab's scopes: `api` (everything) or `read_api` (reads only). */
export class TokenScopes1765001300900 implements MigrationInterface {
  name = "TokenScopes1765001300900";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "personal_access_tokens" ADD "scopes" text[] NOT NULL DEFAULT '{api}'`);
  }

  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE "personal_access_tokens" DROP COLUMN "scopes"`);
  }
}
