// Issue 13.2 through the ingest path: a custom address's verification email, brought back by the team's
// forwarding to the Service Desk address, finishes the verification — never a ticket; a wrong token fails
// it with GitLab's reason, shown on the quarantined message.
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { credentialCipher } from "../secrets/credentials.ts";
import { readCustomEmail, saveCustomEmail } from "./custom-email.ts";

describe("custom email verification through ingest (13.2)", () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => db?.drop());

  const verificationMail = (to: string, token: string, from = "support@acme.test") =>
    Buffer.from(
      [
        `Delivered-To: ${to}`,
        `From: Acme Support <${from}>`,
        "To: support+verify@acme.test",
        `Message-ID: <verify-${token}@acme.test>`,
        "Subject: Verify custom email address support@acme.test for test",
        "Auto-Submitted: no",
        "",
        "This email verifies support@acme.test.",
        "",
        `Verification token: ${token}`,
        "",
      ].join("\r\n"),
    );

  it("a returned verification email with the right token verifies; another token fails; neither opens an issue", async () => {
    const w = await createIngestWorld(db.dataSource);
    const [{ id: userId }] = await db.dataSource.query(`SELECT id FROM users LIMIT 1`);
    const deps = {
      cipher: credentialCipher({ SECRET_KEY_BASE: "x".repeat(40), DATA_DIR: "/nonexistent" }),
      mail: w.settings.mail,
      allowPrivateHosts: true,
    };
    const save = () =>
      db.dataSource.transaction((m) =>
        saveCustomEmail(m, deps, {
          projectId: w.project.id,
          userId,
          customEmail: "support@acme.test",
          smtpHost: "127.0.0.1",
          smtpPort: 2525,
          smtpUsername: "support@acme.test",
          smtpPassword: "relay-password",
        }),
      );
    await save();
    const [{ text_body }] = await db.dataSource.query(
      `SELECT text_body FROM outbound_emails WHERE kind = 'custom_email_verification'`,
    );
    const token = /Verification token: (\w{12})/.exec(text_body)?.[1] ?? "";
    const forwardTo = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@${w.settings.mail.incomingEmailAddress.split("@")[1]}`;

    const wrong = await w.ingest(verificationMail(forwardTo, "AAAAAAAAAAAA"));
    expect(wrong.result).toMatchObject({ status: "ignored", projectId: w.project.id });
    expect(wrong.result?.reason).toMatch(
      /^Custom email verification failed: The verification email came back with another token/,
    );
    expect(await readCustomEmail(db.dataSource.manager, w.project.id)).toMatchObject({
      verificationState: "failed",
      verificationError: "incorrect_token",
    });

    await db.dataSource.query(`DELETE FROM service_desk_custom_emails`);
    await db.dataSource.query(`DELETE FROM outbound_emails`);
    await save();
    const [{ text_body: again }] = await db.dataSource.query(`SELECT text_body FROM outbound_emails`);
    const rightToken = /Verification token: (\w{12})/.exec(again)?.[1] ?? "";
    expect(rightToken).not.toBe(token);
    const right = await w.ingest(verificationMail(forwardTo, rightToken));
    expect(right.result).toMatchObject({
      status: "ignored",
      projectId: w.project.id,
      reason: "Custom email verification finished: the address is verified.",
    });
    expect((await readCustomEmail(db.dataSource.manager, w.project.id))?.verificationState).toBe("finished");
    expect(await db.dataSource.query(`SELECT id FROM issues`)).toEqual([]);
    // A stale verification email (the first token) arriving late changes nothing now.
    const late = await w.ingest(verificationMail(forwardTo, token));
    expect(late.result?.reason).toMatch(/not waiting/);
    expect((await readCustomEmail(db.dataSource.manager, w.project.id))?.verificationState).toBe("finished");
  });

  it("a verification email that never comes back fails after 30 minutes", async () => {
    const w = await createIngestWorld(db.dataSource);
    await db.dataSource.query(
      `INSERT INTO service_desk_custom_emails (project_id, custom_email, smtp_host, smtp_port, smtp_username_sealed,
         smtp_password_sealed, verification_token, verification_triggered_at)
       VALUES ($1, 'late@acme.test', 'smtp.acme.test', 587, 'x', 'y', 'AAAAAAAAAAAA', now() - interval '31 minutes')`,
      [w.project.id],
    );
    expect(await readCustomEmail(db.dataSource.manager, w.project.id)).toMatchObject({
      verificationState: "failed",
      verificationError: "mail_not_received_within_timeframe",
    });
    const [row] = await db.dataSource.query(
      `SELECT verification_state FROM service_desk_custom_emails WHERE project_id = $1`,
      [w.project.id],
    );
    expect(row.verification_state).toBe("failed");
  });
});
