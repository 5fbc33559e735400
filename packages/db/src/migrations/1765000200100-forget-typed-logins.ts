import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * failed_sign_ins.login held the login as typed (often a password typed into the wrong field); it now
 * holds `user:<id>` or a digest. The old rows are dropped: only running sign-in counters are lost.
 */
export class ForgetTypedLogins1765000200100 implements MigrationInterface {
  name = "ForgetTypedLogins1765000200100";

  async up(q: QueryRunner) {
    await q.query(`DELETE FROM "failed_sign_ins" WHERE "login" NOT LIKE 'user:%' AND "login" NOT LIKE 'unknown:%'`);
  }

  async down() {
    // Nothing to restore: the typed logins are gone on purpose.
  }
}
