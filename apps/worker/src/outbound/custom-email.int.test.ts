// Issue 13.2 on real SMTP conversations: the verification email leaves through the project's own SMTP server
// (a relay that requires AUTH) and not the instance's; a wrong password fails the verification with
// GitLab's reason and is not retried; once verified and enabled, the customer's thank-you leaves through
// the relay From the custom address, and threads as before (Reply-To is still our reply address).
import net, { type AddressInfo } from "node:net";
import {
  checkCustomEmailVerification,
  credentialCipher,
  readCustomEmail,
  resetCustomEmail,
  saveCustomEmail,
  setCustomEmailEnabled,
} from "@tidings/core";
import { createIngestWorld, ingestSettingsForTest } from "@tidings/core/src/ingest/testing/world.ts";
import { type DataSource, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SmtpCapture, startSmtpCapture } from "../../test/smtp-capture.ts";
import { testWorkerContext } from "../../test/service-desk-fixtures.ts";
import { type OutboundOptions, startOutbound } from "./index.ts";

const FAST: Partial<OutboundOptions> = {
  pollIntervalMs: 200,
  retry: { baseMs: 100, capMs: 400, maxAttempts: 100 },
  smtpTimeouts: { connectionTimeout: 2_000, greetingTimeout: 2_000, socketTimeout: 5_000 },
};
const SLOW = { timeout: 10_000 };
const RELAY_USER = "support@acme.test";
const RELAY_PASSWORD = "relay-password-1";

type Relayed = { user: string; envelopeFrom: string; to: string[]; parsed: ParsedMail };

/** The customer's own mail server: AUTH required, records who sent what. */
const startRelay = async () => {
  const messages: Relayed[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === RELAY_USER && auth.password === RELAY_PASSWORD)
        return callback(null, { user: auth.username });
      return callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        messages.push({
          user: String(session.user),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          parsed: await simpleParser(Buffer.concat(chunks)),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe("custom email address: sending (13.2)", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let instance: SmtpCapture;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    instance = await startSmtpCapture();
    relay = await startRelay();
    cleanups.push(
      () => instance.stop(),
      () => relay.stop(),
    );
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await db.drop();
  });

  /**
   * The outbox rows, oldest first, once none is queued or sending. The barrier for what the runner records
   * after the SMTP conversation: the relay has a message before its 250 is recorded, and a verification's
   * failure is recorded before its row's.
   */
  const finalOutbox = async () => {
    const rows = () => ds.getRepository(OutboundEmailEntity).find({ order: { id: "ASC" } });
    await expect
      .poll(async () => (await rows()).every((r) => r.status !== "queued" && r.status !== "sending"), SLOW)
      .toBe(true);
    return rows();
  };

  const setUp = async () => {
    const base = ingestSettingsForTest();
    const { ctx, mail } = testWorkerContext({
      databaseUrl: db.url,
      dataSource: ds,
      dataDir: base.dataDir,
      smtpUrl: instance.url,
    });
    const w = await createIngestWorld(ds, { settings: { outgoingName: "Acme Support" } });
    const [{ id: userId }] = await ds.query(`SELECT id FROM users LIMIT 1`);
    const deps = { cipher: credentialCipher(ctx.config), mail, allowPrivateHosts: true };
    const save = (password: string, smtpPort = relay.port) =>
      ds.transaction((m) =>
        saveCustomEmail(m, deps, {
          projectId: w.project.id,
          userId,
          customEmail: "support@acme.test",
          smtpHost: "127.0.0.1",
          smtpPort,
          smtpUsername: RELAY_USER,
          smtpPassword: password,
        }),
      );
    const runner = await startOutbound(ctx, FAST);
    cleanups.push(() => runner.stop());
    return { w, save, base };
  };

  it("verifies through the project's server, then sends the customer's emails through it From the custom address", async () => {
    const { w, save, base } = await setUp();
    expect((await save(RELAY_PASSWORD)).errors).toEqual([]);
    await expect.poll(() => relay.messages.length, SLOW).toBe(1);
    const [verification] = relay.messages;
    expect(verification).toMatchObject({
      user: RELAY_USER,
      envelopeFrom: "support@acme.test",
      to: ["support+verify@acme.test"],
    });
    expect(verification.parsed.from?.value[0]).toEqual({ name: "Acme Support", address: "support@acme.test" });
    expect(verification.parsed.subject).toBe("Verify custom email address support@acme.test for test");
    expect(verification.parsed.headers.get("auto-submitted")).toBe("no");
    expect(verification.parsed.text).toMatch(/Verification token: [A-Za-z0-9]{12}/);
    // The stored credentials are sealed: neither the password nor the username is in the row.
    const [row] = await ds.query(`SELECT * FROM service_desk_custom_emails`);
    expect(JSON.stringify(row)).not.toContain(RELAY_PASSWORD);
    expect(row.smtp_username_sealed).not.toContain("acme");

    // The team's forwarding brings it back: the check finishes the verification.
    const checked = await ds.transaction((m) =>
      checkCustomEmailVerification(
        m,
        w.project.id,
        {
          recipients: verification.to,
          from: verification.parsed.from?.value[0].address ?? null,
          body: verification.parsed.text ?? "",
          receivedAt: new Date(),
        },
        { isAliasAddress: () => false },
      ),
    );
    expect(checked).toEqual({ state: "finished", error: null });
    await ds.transaction((m) => setCustomEmailEnabled(m, w.project.id, true));

    const to = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@${base.mail.incomingEmailAddress.split("@")[1]}`;
    await w.ingest(
      Buffer.from(
        `From: Ada <ada@customer.example>\r\nTo: ${to}\r\nSubject: Printer\r\nMessage-ID: <p1@c.example>\r\n\r\nHelp\r\n`,
      ),
    );
    await expect.poll(() => relay.messages.length, SLOW).toBe(2);
    const thanks = relay.messages[1];
    expect(thanks).toMatchObject({ user: RELAY_USER, envelopeFrom: "support@acme.test", to: ["ada@customer.example"] });
    expect(thanks.parsed.from?.value[0]).toEqual({ name: "Acme Support", address: "support@acme.test" });
    // Threads exactly as before: replies go to our reply address.
    expect(thanks.parsed.replyTo?.value[0].address).toMatch(/^incoming\+[0-9a-f]{32}@/);
    // Nothing of this project went through the instance's server (the barrier: every outbox row final).
    expect((await finalOutbox()).map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(instance.messages).toEqual([]);
  });

  it("a wrong password fails the verification as invalid_credentials, once, and the address cannot be enabled", async () => {
    const { w, save } = await setUp();
    await save("wrong-password-1");
    await expect
      .poll(async () => (await readCustomEmail(ds.manager, w.project.id))?.verificationState, SLOW)
      .toBe("failed");
    expect((await readCustomEmail(ds.manager, w.project.id))?.verificationError).toBe("invalid_credentials");
    const [row] = await finalOutbox();
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(relay.messages).toEqual([]);
    await expect(ds.transaction((m) => setCustomEmailEnabled(m, w.project.id, true))).rejects.toThrow(
      /Only a verified custom email address can be enabled/,
    );
    // Reset, then the right password: a new verification goes out.
    await ds.transaction((m) => resetCustomEmail(m, w.project.id));
    await save(RELAY_PASSWORD);
    await expect.poll(() => relay.messages.length, SLOW).toBe(1);
  });

  it("checks a returned verification email with GitLab's reasons, in GitLab's order", async () => {
    const { w, save } = await setUp();
    await save(RELAY_PASSWORD);
    await expect.poll(() => relay.messages.length, SLOW).toBe(1);
    const body = relay.messages[0].parsed.text ?? "";
    const check = (mail: Partial<{ recipients: string[]; from: string; body: string; receivedAt: Date }>) =>
      ds.transaction(async (m) => {
        await m.query(
          `UPDATE service_desk_custom_emails SET verification_state = 'started', verification_error = NULL,
             verification_token = $2 WHERE project_id = $1`,
          [w.project.id, /Verification token: (\w{12})/.exec(body)?.[1]],
        );
        return checkCustomEmailVerification(
          m,
          w.project.id,
          {
            recipients: ["support+verify@acme.test"],
            from: "support@acme.test",
            body,
            receivedAt: new Date(),
            ...mail,
          },
          { isAliasAddress: (a) => a.startsWith("contact+") },
        );
      });
    expect((await check({ receivedAt: new Date(Date.now() + 31 * 60_000) }))?.error).toBe(
      "mail_not_received_within_timeframe",
    );
    expect((await check({ recipients: ["contact+demo-app@desk.example.com"] }))?.error).toBe(
      "incorrect_forwarding_target",
    );
    expect((await check({ from: "someone@acme.test" }))?.error).toBe("incorrect_from");
    expect((await check({ body: "Verification token: AAAAAAAAAAAA" }))?.error).toBe("incorrect_token");
    expect(await check({})).toEqual({ state: "finished", error: null });
  });

  it("a server that refuses the connection is smtp_host_issue; one that never greets is read_timeout", async () => {
    const { w, save } = await setUp();
    // A port nothing listens on.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await save(RELAY_PASSWORD, closedPort);
    await expect
      .poll(async () => (await readCustomEmail(ds.manager, w.project.id))?.verificationError, SLOW)
      .toBe("smtp_host_issue");

    // A server that accepts the connection and says nothing (GitLab's 7-second read timeout).
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    await ds.transaction((m) => resetCustomEmail(m, w.project.id));
    await save(RELAY_PASSWORD, (silent.address() as AddressInfo).port);
    await expect
      .poll(async () => (await readCustomEmail(ds.manager, w.project.id))?.verificationError, { timeout: 20_000 })
      .toBe("read_timeout");
  });
});
