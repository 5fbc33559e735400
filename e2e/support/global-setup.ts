// Boots the whole product the way a person does (`npm start`: embedded PostgreSQL, api, worker with
// the SMTP listener) on test ports, with outbound mail going to a capturing SMTP server whose inbox
// is a directory of .eml files the specs read.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import { childEnv } from "@tidings/config";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { startDovecot } from "../../apps/worker/test/dovecot.ts";
import { E2E } from "./constants.ts";

const startCaptureSmtp = () =>
  new Promise<SMTPServer>((resolve, reject) => {
    let n = 0;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(",");
          const file = `${Date.now()}-${String(++n).padStart(5, "0")}.eml`;
          fs.writeFileSync(
            `${E2E.inboxDir}/${file}`,
            Buffer.concat([Buffer.from(`X-Envelope-To: ${to}\r\n`), ...chunks]),
          );
          callback();
        });
      },
    });
    server.on("error", reject);
    server.listen(E2E.captureSmtpPort, "127.0.0.1", () => resolve(server));
  });

/**
 * The customer's own mail server for the custom email story (issue 13.2): it requires AUTH, keeps what it
 * accepts in relayDir, and forwards mail for the custom address (any +tag) to the address in
 * relayForwardFile — the team's forwarding rule — through the product's SMTP listener.
 */
const startCustomerRelay = () =>
  new Promise<SMTPServer>((resolve, reject) => {
    let n = 0;
    const server = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === E2E.relayUser && auth.password === E2E.relayPassword) {
          return callback(null, { user: auth.username });
        }
        return callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", async () => {
          const raw = Buffer.concat(chunks);
          const to = session.envelope.rcptTo.map((r) => r.address);
          fs.writeFileSync(
            `${E2E.relayDir}/${Date.now()}-${String(++n).padStart(5, "0")}.eml`,
            Buffer.concat([Buffer.from(`X-Envelope-To: ${to.join(",")}\r\n`), raw]),
          );
          const rules: Record<string, string> = fs.existsSync(E2E.relayForwardFile)
            ? JSON.parse(fs.readFileSync(E2E.relayForwardFile, "utf8"))
            : {};
          const targets = to.map((a) => rules[a.toLowerCase().replace(/\+[^@]*@/, "@")]).filter(Boolean);
          try {
            if (targets.length > 0) {
              const forward = nodemailer.createTransport({
                host: "127.0.0.1",
                port: E2E.inboundSmtpPort,
                secure: false,
                ignoreTLS: true,
              });
              await forward.sendMail({
                envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: targets },
                raw,
              });
              forward.close();
            }
            callback();
          } catch (err) {
            callback(err as Error);
          }
        });
      },
    });
    server.on("error", reject);
    server.listen(E2E.relaySmtpPort, "127.0.0.1", () => resolve(server));
  });

export default async function globalSetup() {
  fs.rmSync(E2E.dataDir, { recursive: true, force: true });
  fs.rmSync(E2E.inboxDir, { recursive: true, force: true });
  fs.mkdirSync(E2E.dataDir, { recursive: true, mode: 0o755 });
  fs.mkdirSync(E2E.inboxDir, { recursive: true });
  fs.rmSync(E2E.relayDir, { recursive: true, force: true });
  fs.rmSync(E2E.relayForwardFile, { force: true });
  fs.mkdirSync(E2E.relayDir, { recursive: true });
  const capture = await startCaptureSmtp();
  const relay = await startCustomerRelay();
  // A real IMAP mailbox the product reads (mail-health.spec.ts stops and restarts this server).
  const dovecot = await startDovecot(["desk@test"]);
  fs.writeFileSync(E2E.dovecotDirFile, dovecot.dir);
  const product: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: E2E.root,
    env: childEnv({
      DATA_DIR: E2E.dataDir,
      PORT: String(E2E.port),
      INBOUND_SMTP_PORT: String(E2E.inboundSmtpPort),
      SMTP_URL: `smtp://127.0.0.1:${E2E.captureSmtpPort}`,
      IMAP_URL: dovecot.url("desk@test"),
      // The custom email story's relay runs on this machine.
      CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS: "true",
      DEMO_PASSWORD: E2E.password,
      DATABASE_URL: "",
      LOG_LEVEL: "info",
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const log = fs.createWriteStream(`${E2E.dataDir}/../e2e-product.log`);
  product.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
    log.write(d);
  });
  product.stderr?.on("data", (d: Buffer) => log.write(d));
  const deadline = Date.now() + 180_000;
  while (!/ready in [\d.]+ s/.test(output)) {
    if (product.exitCode !== null) throw new Error(`the product exited during start:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the product did not start within 3 minutes:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return async () => {
    const exited = new Promise((r) => product.once("exit", r));
    product.kill("SIGINT");
    await exited;
    log.end();
    await new Promise<void>((r) => capture.close(() => r()));
    await new Promise<void>((r) => relay.close(() => r()));
    await dovecot.stop();
  };
}
