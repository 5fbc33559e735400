// Mail in: the SMTP listener, the IMAP and Microsoft Graph consumers and the processor that applies stored messages.
import { INBOUND_CHANNEL, ingestSettingsFromConfig } from "@tidings/core";
import { startListener } from "@tidings/db";
import { crashProcess, type Stoppable, type WorkerContext } from "../context.ts";
import { graphMailboxesOf } from "./graph-client.ts";
import { type GraphConsumer, type GraphConsumerOptions, startGraphConsumer } from "./graph-consumer.ts";
import { type ImapConsumer, type ImapConsumerOptions, startImapConsumer } from "./imap-consumer.ts";
import { startLedger } from "./ledger.ts";
import { type InboundBacklog, startProcessor } from "./processor.ts";
import { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver.ts";

export type Inbound = Stoppable & {
  smtp: SmtpReceiver | null;
  imap: ImapConsumer[];
  graph: GraphConsumer[];
  /** Stored mail waiting to be processed: the outbox runner yields to it (issue 14.3). */
  backlog: InboundBacklog;
};

export type InboundOptions = {
  imapHooks?: ImapConsumerOptions["hooks"];
  graphHooks?: GraphConsumerOptions["hooks"];
  imapPollMs?: number;
  /** Bytes per fetched IMAP chunk at most (imap-consumer.ts CHUNK_BYTES); tests lower it. */
  imapChunkBytes?: number;
  leaseRetryMs?: number;
  sweepIntervalMs?: number;
  /** Per-message processing time budget (issue 15.1); tests shorten it. */
  processBudgetMs?: number;
};

/** Starts the inbound transports; every accepted message is stored, then applied by the processor. */
export const startInbound = async (ctx: WorkerContext, opts: InboundOptions = {}): Promise<Inbound> => {
  const settings = ingestSettingsFromConfig(ctx.config);
  const processor = startProcessor(ctx, settings, {
    sweepIntervalMs: opts.sweepIntervalMs,
    budgetMs: opts.processBudgetMs,
  });
  const onStored = (id: number, raw?: Buffer) => void processor.enqueue(id, raw);
  // Messages stored or retried by the api (webhook, quarantine) are signalled here (issue 14.1); every
  // (re)connect sweeps for what was signalled while the listener was away.
  const databaseUrl = (ctx.dataSource.options as { url?: string }).url ?? ctx.config.DATABASE_URL;
  const listener = databaseUrl
    ? await startListener({
        databaseUrl,
        channels: [INBOUND_CHANNEL],
        applicationName: "tidings-inbound-listen",
        log: ctx.log.child({ module: "inbound-listener" }),
        onNotification: (_channel, payload) => {
          const id = Number(payload);
          if (Number.isSafeInteger(id) && id > 0) onStored(id);
        },
        onConnect: ({ reconnect }) => reconnect && void processor.sweep(),
        onGiveUp: (err) =>
          (ctx.fatal ?? crashProcess)(new Error(`The inbound listener could not reconnect: ${String(err)}`)),
      })
    : null;
  const smtp =
    ctx.config.INBOUND_SMTP_PORT > 0
      ? await startSmtpReceiver(ctx, settings, {
          host: ctx.config.INBOUND_SMTP_HOST,
          port: ctx.config.INBOUND_SMTP_PORT,
          ledger: startLedger(ctx.dataSource),
          onStored,
        })
      : null;
  const imap: ImapConsumer[] = [];
  const mailboxes = [
    { label: "incoming", url: ctx.config.IMAP_URL },
    { label: "service_desk", url: ctx.config.SERVICE_DESK_IMAP_URL },
  ];
  for (const m of mailboxes) {
    if (!m.url) continue;
    imap.push(
      startImapConsumer(ctx, settings, {
        label: m.label,
        url: m.url,
        onStored,
        hooks: opts.imapHooks,
        pollMs: opts.imapPollMs,
        chunkBytes: opts.imapChunkBytes,
        leaseRetryMs: opts.leaseRetryMs,
      }),
    );
  }
  const graph = graphMailboxesOf(ctx.config).map(({ label, mailbox }) =>
    startGraphConsumer(ctx, settings, {
      label,
      mailbox,
      onStored,
      hooks: opts.graphHooks,
      leaseRetryMs: opts.leaseRetryMs,
    }),
  );
  return {
    smtp,
    imap,
    graph,
    backlog: { busy: processor.busy, idle: processor.idle },
    stop: async () => {
      await smtp?.stop();
      await listener?.close();
      await Promise.all([...imap, ...graph].map((c) => c.stop()));
      await processor.stop();
    },
  };
};
