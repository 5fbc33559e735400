// A real SMTP server (smtp-server) that captures every message it accepts, for tests and e2e runs.
// Replies can be scripted per RCPT TO or per message to play a failing server (4xx, 5xx).
import { type AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerSession } from "smtp-server";

export type CapturedMail = {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  /** Header values by lower-case name, unfolded, exactly as sent (not decoded). */
  headers: Map<string, string[]>;
};

/** A scripted refusal: `{ code: 550, message: "..." }` answers with that SMTP reply. */
export type Refusal = { code: number; message: string } | null;

export type SmtpCaptureOptions = {
  /** Listen on this port (default: any free port). */
  port?: number;
  /** Decide the reply to each RCPT TO. */
  onRcpt?: (address: string) => Refusal;
  /** Wait this long before answering DATA (a slow server). */
  replyDelayMs?: number;
  /** Decide the reply after DATA, with the message already read. */
  onMessage?: (raw: Buffer, envelope: { from: string; to: string[] }) => Refusal;
  /**
   * Hold each message, read but not accepted, until this resolves. Like a server that commits a message
   * only as it answers 250: a message whose client is gone by then is discarded, never delivered.
   */
  hold?: () => Promise<void>;
};

export type SmtpCapture = {
  port: number;
  url: string;
  messages: CapturedMail[];
  /** Messages read and waiting on `hold`, not accepted yet. */
  held: () => number;
  /** Messages discarded because their client left before the 250. */
  discarded: () => number;
  /** Client connections open right now. */
  connections: () => number;
  /** Messages to one recipient, in arrival order. */
  to: (address: string) => CapturedMail[];
  stop: () => Promise<void>;
};

/** Unfolds and splits a raw header block into values by lower-case name. */
export const rawHeaders = (raw: Buffer): Map<string, string[]> => {
  const text = raw.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]+/g, " ");
  const map = new Map<string, string[]>();
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    map.set(name, [...(map.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  return map;
};

const refuse = (r: NonNullable<Refusal>) => Object.assign(new Error(r.message), { responseCode: r.code });

export const startSmtpCapture = async (options: SmtpCaptureOptions = {}): Promise<SmtpCapture> => {
  const messages: CapturedMail[] = [];
  const pending = new Set<Promise<void>>();
  const closed = new Set<string>();
  let held = 0;
  let discarded = 0;
  const envelopeOf = (session: SMTPServerSession) => ({
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
    to: session.envelope.rcptTo.map((r) => r.address),
  });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 50 * 1024 * 1024,
    // stop() ends idle client connections (a pooled transport keeps them open) almost at once.
    closeTimeout: 200,
    onClose(session) {
      closed.add(session.id);
    },
    onRcptTo(address, _session, callback) {
      const r = options.onRcpt?.(address.address) ?? null;
      callback(r ? refuse(r) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        const envelope = envelopeOf(session);
        const r = options.onMessage?.(raw, envelope) ?? null;
        if (r) return callback(refuse(r));
        // Parse before answering 250, so a test that saw the 250 sees the message.
        held++;
        const p = (options.hold?.() ?? Promise.resolve())
          .finally(() => held--)
          .then(() => new Promise((resolve) => setTimeout(resolve, options.replyDelayMs ?? 0)))
          .then(() => {
            if (!closed.has(session.id)) return simpleParser(raw);
            discarded++;
            throw new Error("the client left before the reply");
          })
          .then((parsed) => {
            messages.push({ envelope, raw, parsed, headers: rawHeaders(raw) });
            callback(null, "2.0.0 Ok: queued");
          })
          .catch((err) => callback(err as Error))
          .finally(() => pending.delete(p));
        pending.add(p);
      });
    },
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    held: () => held,
    discarded: () => discarded,
    connections: () => server.connections.size,
    to: (address) => messages.filter((m) => m.envelope.to.some((t) => t.toLowerCase() === address.toLowerCase())),
    stop: async () => {
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
