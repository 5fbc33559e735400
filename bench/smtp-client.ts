// The benchmarks' load generator: a minimal SMTP client that sends prepared messages over a few sessions,
// each a plain socket with the envelope pipelined (RFC 2920: MAIL, RCPT and DATA in one write). The load
// generator shares this machine's two cores with what it measures, so it must cost little: nodemailer's
// pool spent ~0.65 ms of CPU per 5 KB message (its message stream, dot-stuffing transform and per-message
// bookkeeping), a third of what the worker itself spent; this client spends a fraction of that. Both the
// raw ceiling and Tidings are driven by it, so a ratio compares like with like.
import net from "node:net";

export type Target = { host: string; port: number };
export type Outgoing = { to: string; raw: Buffer };

/** RFC 5321 4.5.2: a line of the message that starts with "." gets a second one. */
export const dotStuff = (raw: Buffer): Buffer => {
  let body = raw;
  if (body[0] === 0x2e || body.includes("\n.")) {
    const text = body.toString("latin1");
    body = Buffer.from((text.startsWith(".") ? `.${text}` : text).replace(/\n\./g, "\n.."), "latin1");
  }
  return body.subarray(body.length - 2).toString("latin1") === "\r\n"
    ? body
    : Buffer.concat([body, Buffer.from("\r\n")]);
};

/** One SMTP session: replies are read as they come and handed, in order, to whoever waits for the next one. */
const openSession = async (target: Target) => {
  const socket = net.connect(target.port, target.host);
  socket.setNoDelay(true);
  const waiting: { resolve: (code: number) => void; reject: (e: Error) => void }[] = [];
  const ready: number[] = [];
  let failure: Error | null = null;
  let pending = "";
  socket.on("data", (chunk: Buffer) => {
    pending += chunk.toString("latin1");
    let end = pending.indexOf("\r\n");
    while (end !== -1) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      // "250-…" continues a reply; "250 …" ends it.
      if (line[3] !== "-") {
        const code = Number(line.slice(0, 3));
        const w = waiting.shift();
        if (w) w.resolve(code);
        else ready.push(code);
      }
      end = pending.indexOf("\r\n");
    }
  });
  const fail = (e: Error) => {
    failure = e;
    for (const w of waiting.splice(0)) w.reject(e);
  };
  socket.on("error", fail);
  socket.on("close", () => fail(new Error("the SMTP server closed the connection")));
  const reply = (expected: number) =>
    new Promise<number>((resolve, reject) => {
      const queued = ready.shift();
      if (queued !== undefined) resolve(queued);
      else if (failure) reject(failure);
      else waiting.push({ resolve, reject });
    }).then((code) => {
      if (code !== expected) throw new Error(`SMTP: expected ${expected}, got ${code}`);
    });
  await reply(220);
  socket.write("EHLO bench.example.org\r\n");
  await reply(250);
  return {
    send: async (from: string, m: Outgoing) => {
      socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${m.to}>\r\nDATA\r\n`);
      await Promise.all([reply(250), reply(250), reply(354)]);
      socket.write(dotStuff(m.raw));
      socket.write(".\r\n");
      await reply(250);
    },
    quit: async () => {
      socket.write("QUIT\r\n");
      await reply(221);
    },
    close: () => socket.destroy(),
  };
};

/**
 * Sends every message (envelope from customer@example.org) over `connections` sessions; rejects on any refusal.
 * Every session is open before the first message goes: a session that greeted late found the messages all
 * sent by the others (seen in CI: 7 messages over 1 session of the 3 asked for).
 */
export const sendAll = async (target: Target, connections: number, messages: Outgoing[]) => {
  const opening = await Promise.allSettled(
    Array.from({ length: Math.min(connections, messages.length) }, () => openSession(target)),
  );
  const sessions = opening.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
  const refused = opening.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (refused) {
    for (const s of sessions) s.close();
    throw refused.reason;
  }
  let next = 0;
  const run = async (s: (typeof sessions)[number]) => {
    try {
      while (next < messages.length) await s.send("customer@example.org", messages[next++]);
      await s.quit();
    } finally {
      s.close();
    }
  };
  await Promise.all(sessions.map(run));
};
