// C1(a): the built-in SMTP listener. Unknown recipients are refused at RCPT TO (550), oversize at DATA
// (552, SIZE is advertised), and 250 is answered only after the raw message is committed. Transport only:
// every decision is in packages/core.
import { type IngestSettings, isKnownRecipient, readLimited, receiveEmail, routeSettingsOf } from "@tidings/core";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import type { WorkerContext } from "../context.ts";

export type SmtpReceiver = { port: number; stop: () => Promise<void> };

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export const startSmtpReceiver = async (
  ctx: WorkerContext,
  settings: IngestSettings,
  opts: { host: string; port: number; onStored: (id: number) => void },
): Promise<SmtpReceiver> => {
  const log = ctx.log.child({ module: "smtp-receiver" });
  const route = routeSettingsOf(settings.mail);
  const server = new SMTPServer({
    name: "tidings",
    banner: "Tidings Service Desk",
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    size: settings.maxEmailBytes,
    logger: false,
    closeTimeout: 5_000,
    onRcptTo(address, _session, callback) {
      isKnownRecipient(ctx.dataSource.manager, settings, address.address)
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
      readLimited(stream, settings.maxEmailBytes)
        .then(async ({ raw, size }) => {
          if (stream.sizeExceeded || size > settings.maxEmailBytes) {
            log.info({ size, limit: settings.maxEmailBytes }, "smtp.too_large");
            return callback(smtpError(552, `5.3.4 Message too large: the limit is ${settings.maxEmailBytes} bytes`));
          }
          const mailFrom = session.envelope.mailFrom;
          const stored = await ctx.dataSource.transaction((db) =>
            receiveEmail(db, {
              raw,
              transport: "smtp",
              source: "smtp",
              envelopeFrom: mailFrom ? mailFrom.address : null,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              maxEmailBytes: settings.maxEmailBytes,
              route,
            }),
          );
          // Committed: only now may the client forget the message.
          log.info({ inboundEmailId: stored.id, duplicate: stored.duplicate, size }, "smtp.stored");
          callback(null, `2.0.0 Stored as ${stored.id}`);
          if (!stored.duplicate) opts.onStored(stored.id);
        })
        .catch((err) => {
          log.error({ err }, "smtp.store_failed");
          callback(smtpError(451, "4.3.0 Could not store the message, try again later"));
        });
    },
  });
  server.on("error", (err) => log.warn({ err }, "smtp.server_error"));
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
