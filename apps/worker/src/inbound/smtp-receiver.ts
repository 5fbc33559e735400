// C1(a): the built-in SMTP listener. Unknown recipients are refused at RCPT TO (550), oversize at DATA
// (552, SIZE is advertised), and 250 is answered only after the raw message is committed. Transport only:
// every decision is in packages/core.
// Abuse (issues 9.9, 15.8): at most INBOUND_SMTP_MAX_CLIENTS connections, INBOUND_SMTP_MAX_CLIENTS_PER_IP
// from one address (421 beyond), and every connection ends after INBOUND_SMTP_SESSION_TIMEOUT_SECONDS
// whatever it does (a client trickling a byte every few seconds never trips the idle timeout).
// STARTTLS is offered when INBOUND_SMTP_TLS_CERT/KEY are set.
import {
  cachedRecipientCheck,
  clearSpool,
  type IngestSettings,
  routeSettingsOf,
  smtpSource,
  spoolDirOf,
  spoolMessage,
} from "@tidings/core";
import fs from "node:fs";
import type { Socket } from "node:net";
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import type { WorkerContext } from "../context.ts";
import type { Ledger } from "./ledger.ts";

/** How long after its session's deadline a spool file may still be being stored. */
const SPOOL_MARGIN_MS = 10 * 60_000;

export type SmtpReceiver = { port: number; stop: () => Promise<void> };

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** STARTTLS with the configured certificate, or no STARTTLS at all (never a self-made certificate). */
const tlsOptions = (cert: string | undefined, key: string | undefined): Partial<SMTPServerOptions> =>
  cert && key
    ? { disabledCommands: ["AUTH"], cert: fs.readFileSync(cert), key: fs.readFileSync(key) }
    : { disabledCommands: ["STARTTLS", "AUTH"] };

export const startSmtpReceiver = async (
  ctx: WorkerContext,
  settings: IngestSettings,
  opts: { host: string; port: number; ledger: Ledger; onStored: (id: number, raw?: Buffer) => void },
): Promise<SmtpReceiver> => {
  const log = ctx.log.child({ module: "smtp-receiver" });
  const { config } = ctx;
  // A spool file older than a session's deadline (plus a margin for storing it) was left by a crash.
  const spoolDir = spoolDirOf(settings.dataDir);
  await clearSpool(spoolDir, config.INBOUND_SMTP_SESSION_TIMEOUT_SECONDS * 1000 + SPOOL_MARGIN_MS);
  const route = routeSettingsOf(settings.mail);
  const perAddress = new Map<string, number>();
  const counted = new Set<string>();
  const isKnownRecipient = cachedRecipientCheck(ctx.dataSource.manager, settings);
  const server = new SMTPServer({
    name: "tidings",
    banner: "Tidings Service Desk",
    authOptional: true,
    ...tlsOptions(config.INBOUND_SMTP_TLS_CERT, config.INBOUND_SMTP_TLS_KEY),
    size: settings.maxEmailBytes,
    logger: false,
    closeTimeout: 5_000,
    maxClients: config.INBOUND_SMTP_MAX_CLIENTS,
    onConnect(session, callback) {
      const address = session.remoteAddress;
      const open = perAddress.get(address) ?? 0;
      if (open >= config.INBOUND_SMTP_MAX_CLIENTS_PER_IP) {
        log.warn({ address, open }, "smtp.too_many_connections_from_address");
        return callback(smtpError(421, "4.7.0 Too many connections from your address, try again later"));
      }
      perAddress.set(address, open + 1);
      counted.add(session.id);
      callback();
    },
    onClose(session) {
      if (!counted.delete(session.id)) return;
      const open = (perAddress.get(session.remoteAddress) ?? 1) - 1;
      if (open > 0) perAddress.set(session.remoteAddress, open);
      else perAddress.delete(session.remoteAddress);
    },
    onRcptTo(address, _session, callback) {
      isKnownRecipient(address.address)
        .then((known) =>
          known
            ? callback()
            : callback(smtpError(550, `5.1.1 <${address.address}>: no such Service Desk address or reply key here`)),
        )
        .catch((err) => {
          log.warn({ err }, "smtp.rcpt_check_failed");
          callback(smtpError(451, "4.3.0 Temporary failure, try again later"));
        });
    },
    onData(stream, session: SMTPServerSession, callback) {
      // A large message goes to a spool file, not memory (spool.ts); removed once stored or refused.
      let spoolFile: string | null = null;
      spoolMessage(stream, { limit: settings.maxEmailBytes, dir: spoolDir })
        .then(async (read) => {
          if (read.kind === "spooled") spoolFile = read.spooled.file;
          if (stream.sizeExceeded || read.size > settings.maxEmailBytes) {
            log.info({ size: read.size, limit: settings.maxEmailBytes }, "smtp.too_large");
            return callback(smtpError(552, `5.3.4 Message too large: the limit is ${settings.maxEmailBytes} bytes`));
          }
          const mailFrom = session.envelope.mailFrom;
          const envelope = {
            transport: "smtp" as const,
            // The client's address and HELO name: what SPF checks (issue 13.3), kept with the message.
            source: smtpSource(session.remoteAddress, session.hostNameAppearsAs),
            envelopeFrom: mailFrom ? mailFrom.address : null,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            maxEmailBytes: settings.maxEmailBytes,
            route,
          };
          const stored =
            read.kind === "memory"
              ? await opts.ledger.store({ ...envelope, raw: read.raw })
              : await opts.ledger.storeSpooled({ ...envelope, spooled: read.spooled });
          // Committed: only now may the client forget the message.
          log.debug({ inboundEmailId: stored.id, duplicate: stored.duplicate, size: read.size }, "smtp.stored");
          callback(null, `2.0.0 Stored as ${stored.id}`);
          // The processing thread reads a spooled message back from the ledger, a piece at a time.
          if (!stored.duplicate) opts.onStored(stored.id, read.kind === "memory" ? read.raw : undefined);
        })
        .catch((err) => {
          log.error({ err }, "smtp.store_failed");
          callback(smtpError(451, "4.3.0 Could not store the message, try again later"));
        })
        .finally(() => {
          if (spoolFile) void fs.promises.rm(spoolFile, { force: true });
        });
    },
  });
  server.on("error", (err) => log.warn({ err }, "smtp.server_error"));
  // The overall deadline of a connection, from accept to close, whatever it sends meanwhile.
  const deadlineMs = config.INBOUND_SMTP_SESSION_TIMEOUT_SECONDS * 1000;
  server.server.on("connection", (socket: Socket) => {
    const timer = setTimeout(() => {
      log.warn({ address: socket.remoteAddress }, "smtp.session_deadline");
      socket.end("421 4.4.2 Session time limit reached, closing connection\r\n");
      socket.destroy();
    }, deadlineMs);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  log.info({ host: opts.host, port }, "smtp.listening");
  return { port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};
