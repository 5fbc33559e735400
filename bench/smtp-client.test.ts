// The benchmarks' load generator against a real smtp-server: every message arrives byte for byte (dot
// lines included) with its envelope, over the sessions asked for, and a refusal fails the run.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { dotStuff, sendAll } from "./smtp-client.ts";

type Received = { to: string[]; raw: Buffer; session: string };
let server: SMTPServer | null = null;

/** `slowGreeting`: every connection after the first is greeted that much later. */
const listen = async (refuse?: string, slowGreeting = 0) => {
  const received: Received[] = [];
  let connections = 0;
  server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onConnect: (_session, done) => (connections++ === 0 ? done() : setTimeout(done, slowGreeting)),
    onRcptTo: (address, _session, done) => (address.address === refuse ? done(new Error("no such mailbox")) : done()),
    onData: (stream, session, done) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          session: session.id,
        });
        done();
      });
    },
  });
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return { port: (s.server.address() as AddressInfo).port, received };
};

afterEach(async () => {
  const s = server;
  server = null;
  if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
});

const message = (i: number, body: string) =>
  Buffer.from(`From: a${i}@example.org\r\nTo: desk@example.com\r\nSubject: ${i}\r\n\r\n${body}\r\n`);

describe("the benchmark's SMTP client", () => {
  it("delivers every message unchanged, dot lines included, over the sessions asked for", async () => {
    // The sessions after the first are greeted late, as on a busy machine: each still carries messages.
    const { port, received } = await listen(undefined, 300);
    const messages = Array.from({ length: 7 }, (_, i) => ({
      to: `desk+${i}@example.com`,
      raw: message(i, i === 3 ? ".hidden\r\n..two\r\n.\r\nend" : `body ${i}`),
    }));
    await sendAll({ host: "127.0.0.1", port }, 3, messages);
    const byTo = new Map(received.map((r) => [r.to[0], r]));
    expect(received).toHaveLength(7);
    for (const m of messages) expect(byTo.get(m.to)?.raw.toString()).toBe(m.raw.toString());
    expect(new Set(received.map((r) => r.session)).size).toBe(3);
  });

  it("fails when the server refuses a message", async () => {
    const { port } = await listen("nobody@example.com");
    await expect(
      sendAll({ host: "127.0.0.1", port }, 1, [{ to: "nobody@example.com", raw: message(1, "x") }]),
    ).rejects.toThrow(/expected 250, got 550/);
  });

  it("stuffs a leading dot and ends the data with CRLF", () => {
    expect(dotStuff(Buffer.from(".a\r\nb")).toString()).toBe("..a\r\nb\r\n");
    expect(dotStuff(Buffer.from("a\r\n.b\r\n")).toString()).toBe("a\r\n..b\r\n");
  });
});
