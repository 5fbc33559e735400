// Issues 9.9 and 15.8 through real SMTP conversations: RCPT TO reveals no private project, connections
// are capped per address, a client trickling bytes is cut off at the session deadline while others are
// served, and STARTTLS is offered exactly when a certificate is configured.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createProject } from "@tidings/core/src/projects/create-project.ts";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { type DataSource, freePort, InboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Inbound, startInbound } from "../src/inbound/index.ts";
import { simpleMessage, testWorkerContext } from "./helpers.ts";

let db: TestDatabase;
let ds: DataSource;
let projectId: number;
let hiddenId: number;
beforeAll(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
  projectId = (await createIngestWorld(ds)).project.id;
  hiddenId = (
    await ds.transaction((m) =>
      createProject(m, { groupPath: "email", path: "hidden", serviceDeskEnabled: false, visibility: "private" }),
    )
  ).id;
});
afterAll(async () => db.drop());

const address = (slug: string, id: number) => `incoming+${slug}-${id}-issue-@appmail.adventuretime.ooo`;

const withInbound = async (env: Record<string, string>, run: (port: number) => Promise<void>) => {
  const port = await freePort();
  const inbound: Inbound = await startInbound(
    testWorkerContext(ds, db.url, { INBOUND_SMTP_PORT: String(port), ...env }),
  );
  try {
    await run(port);
  } finally {
    await inbound.stop();
  }
};

/** A raw SMTP client: reads whole replies, writes lines; `closed` resolves when the server hangs up. */
const rawClient = (port: number, localAddress = "127.0.0.1") => {
  const socket = net.connect({ port, host: "127.0.0.1", localAddress });
  let buffer = "";
  const replies: string[] = [];
  const waiters: (() => void)[] = [];
  socket.on("data", (d) => {
    buffer += d.toString();
    if (/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buffer)) {
      replies.push(buffer.trim());
      buffer = "";
      for (const w of waiters.splice(0)) w();
    }
  });
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const reply = async () => {
    while (!replies.length) await new Promise<void>((r) => waiters.push(r));
    return replies.shift()!;
  };
  const send = async (line: string) => {
    socket.write(line);
    return reply();
  };
  return { socket, reply, send, closed };
};

const sendOne = (port: number, n: string, opts: { localAddress?: string } = {}) => {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    ignoreTLS: true,
    localAddress: opts.localAddress,
  });
  return transport
    .sendMail({
      envelope: { from: "customer@example.org", to: [address("email-test", projectId)] },
      raw: simpleMessage({ projectId, n }),
    })
    .finally(() => transport.close());
};

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms),
    ),
  ]);

describe("RCPT TO (issue 9.9)", () => {
  it("answers a private project whose Service Desk is off exactly like an address that never existed", async () => {
    await withInbound({}, async (port) => {
      const c = rawClient(port);
      await c.reply();
      await c.send("EHLO test\r\n");
      await c.send("MAIL FROM:<a@example.org>\r\n");
      const hidden = await c.send(`RCPT TO:<${address("email-hidden", hiddenId)}>\r\n`);
      const nowhere = await c.send(`RCPT TO:<${address("email-nowhere", 987654)}>\r\n`);
      const open = await c.send(`RCPT TO:<${address("email-test", projectId)}>\r\n`);
      c.socket.end("QUIT\r\n");
      expect(hidden.split(" ")[0]).toBe("550");
      expect(hidden.replace(/<[^>]+>/, "<…>")).toBe(nowhere.replace(/<[^>]+>/, "<…>"));
      expect(open).toMatch(/^250 /);
    });
  });
});

describe("connections (issues 9.9, 15.8)", () => {
  it("caps the connections from one address with 421 while another address is served", async () => {
    await withInbound({ INBOUND_SMTP_MAX_CLIENTS_PER_IP: "2" }, async (port) => {
      const first = rawClient(port);
      const second = rawClient(port);
      expect(await first.reply()).toMatch(/^220 /);
      expect(await second.reply()).toMatch(/^220 /);
      const third = rawClient(port);
      expect(await third.reply()).toMatch(/^421 /);
      await within(third.closed, 5000, "the third connection closing");
      const info = await sendOne(port, "other-address", { localAddress: "127.0.0.2" });
      expect(info.response).toMatch(/^250 /);
      first.socket.destroy();
      second.socket.destroy();
      await Promise.all([first.closed, second.closed]);
      // The slots are free again.
      const again = rawClient(port);
      expect(await again.reply()).toMatch(/^220 /);
      again.socket.destroy();
    });
  });

  it("cuts off a client trickling DATA at the session deadline while a normal client gets its 250", async () => {
    await withInbound({ INBOUND_SMTP_SESSION_TIMEOUT_SECONDS: "2" }, async (port) => {
      const slow = rawClient(port);
      await slow.reply();
      await slow.send("EHLO slow\r\n");
      await slow.send("MAIL FROM:<slow@example.org>\r\n");
      await slow.send(`RCPT TO:<${address("email-test", projectId)}>\r\n`);
      expect(await slow.send("DATA\r\n")).toMatch(/^354 /);
      const trickle = setInterval(() => slow.socket.write("x"), 300);
      try {
        const info = await within(sendOne(port, "while-slowloris"), 2000, "the normal client's 250");
        expect(info.response).toMatch(/^250 /);
        await within(slow.closed, 6000, "the slow client being cut off");
      } finally {
        clearInterval(trickle);
      }
      expect(await ds.getRepository(InboundEmailEntity).countBy({ envelopeFrom: "slow@example.org" })).toBe(0);
    });
  });
});

describe("STARTTLS (issue 9.9)", () => {
  it("is offered and works with a configured certificate, and is not offered without one", async () => {
    await withInbound({}, async (port) => {
      const c = rawClient(port);
      await c.reply();
      expect(await c.send("EHLO test\r\n")).not.toMatch(/STARTTLS/);
      c.socket.destroy();
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-tls-"));
    try {
      const key = path.join(dir, "key.pem");
      const cert = path.join(dir, "cert.pem");
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          key,
          "-out",
          cert,
          "-days",
          "1",
          "-subj",
          "/CN=localhost",
        ],
        { stdio: "ignore" },
      );
      await withInbound({ INBOUND_SMTP_TLS_CERT: cert, INBOUND_SMTP_TLS_KEY: key }, async (port) => {
        const c = rawClient(port);
        await c.reply();
        expect(await c.send("EHLO test\r\n")).toMatch(/STARTTLS/);
        c.socket.destroy();
        const transport = nodemailer.createTransport({
          host: "127.0.0.1",
          port,
          secure: false,
          requireTLS: true,
          tls: { rejectUnauthorized: false },
        });
        const info = await transport.sendMail({
          envelope: { from: "tls@example.org", to: [address("email-test", projectId)] },
          raw: simpleMessage({ projectId, n: "over-tls" }),
        });
        transport.close();
        expect(info.response).toMatch(/^250 /);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
