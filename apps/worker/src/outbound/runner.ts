// The outbox runner (D5): claims due emails, sends them, records the outcome.
//
// Delivery guarantee. An email is claimed for the runner's live session (claim-session.ts: status
// `sending`, `claimed_by` = the session's lock key, a backstop lease `locked_until`) with its attempt
// number as the claim's token; it is marked `sent` right after the server's final 250 reply.
// - A crash: the session's lock dies with the process, and the next claim by any runner takes every
//   email the dead one held — at once, not after the lease.
// - A crash before the server's final reply: the server has not accepted the message (an SMTP
//   transaction counts only once DATA is acknowledged); the email is sent once, by the next runner.
// - A crash after the 250 and before the `sent` row is committed (one UPDATE, about a millisecond),
//   or a lost 250 reply (the connection drops after the server accepted): the email is sent again,
//   with the same Message-ID and Date. This is the remaining at-least-once window; receiving systems
//   that de-duplicate by Message-ID (Gmail, Exchange Online) show it once. Every claim taken over after
//   its send had begun counts in `interrupted_sends` (tidings_outbound_interrupted_sends).
// - A send begins only while the claim is still this session's (markSendStarted, on the session's
//   connection). A runner that is alive but slow keeps its lease by extending it; a runner that lost its
//   claim can no longer change the row (every transition is conditioned on the attempt number).
// - Without SMTP_URL the .eml file of an email is (re)written under one name: exactly once.
import fs from "node:fs/promises";
import { redactUrl } from "@tidings/config";
import { CUSTOM_EMAIL_CHANGED, mailSettingsFromConfig, OUTBOX_CHANNEL } from "@tidings/core";
import { OutboundKind, startListener } from "@tidings/db";

import { crashProcess, type WorkerContext } from "../context.ts";
import type { InboundBacklog } from "../inbound/processor.ts";
import { attachmentPath, mailOptionsFor } from "./compose.ts";
import { DEFAULT_SMTP_TIMEOUTS, type Delivery, emlDelivery, type SmtpTimeouts, smtpDelivery } from "./delivery.ts";
import { startClaims } from "./claims.ts";
import { type CustomRoute, startCustomSmtp } from "./custom-smtp.ts";
import { type ClaimedEmail, markFailed, markRetry, markSent } from "./outbox-store.ts";
import {
  classifySendError,
  DEFAULT_RETRY_POLICY,
  maxRetryWindowMs,
  type RetryPolicy,
  retryDelayMs,
} from "./retry-policy.ts";

export type OutboundOptions = {
  /** Emails sent at the same time (and SMTP connections in the pool). */
  concurrency: number;
  /** Emails claimed per query; the ones not sending yet wait in memory, under the same lease. */
  claimBatch: number;
  /** Fallback poll for due emails when no notification arrives. */
  pollIntervalMs: number;
  /**
   * Backstop for a runner that is alive but stuck (its session lives on): how long a claim is reserved
   * without being renewed. A dead runner's claims are free at once (its session lock is gone).
   */
  leaseMs: number;
  /** The runner's session stays unreachable this long: the loop cannot go on, the worker ends. */
  sessionGiveUpMs: number;
  /**
   * Issue 14.3: the worker's inbound backlog. While stored mail is being processed or waits for it, no new
   * emails are claimed (claimed ones still go out), for at most `maxYieldMs` at a time: then one batch is
   * claimed and sent, so a long flood slows the thank-yous down but never stops them.
   */
  yieldTo: InboundBacklog | null;
  maxYieldMs: number;
  /** Test seam (crash drills): called after the server's 250, before `sent` is recorded. */
  hooks?: {
    afterSend?: (outboxId: number) => void | Promise<void>;
    /** Runs at the top of every loop turn (tests make the loop fail here). */
    beforeClaim?: () => void;
  };
  retry: RetryPolicy;
  smtpTimeouts: SmtpTimeouts;
  random: () => number;
};

export const DEFAULT_OUTBOUND_OPTIONS: OutboundOptions = {
  concurrency: 4,
  claimBatch: 16,
  pollIntervalMs: 5_000,
  leaseMs: 5 * 60_000,
  sessionGiveUpMs: 5 * 60_000,
  yieldTo: null,
  maxYieldMs: 5_000,
  retry: DEFAULT_RETRY_POLICY,
  smtpTimeouts: DEFAULT_SMTP_TIMEOUTS,
  random: Math.random,
};

export type OutboundRunner = {
  /** Look for due emails now (what a NOTIFY on the outbox channel does). */
  wake: () => void;
  /** Stops claiming, finishes the sends in flight, closes the connections. */
  stop: () => Promise<void>;
  readonly delivery: Delivery["kind"];
};

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const startOutboundRunner = async (
  ctx: WorkerContext,
  overrides: Partial<OutboundOptions> = {},
): Promise<OutboundRunner> => {
  const opts: OutboundOptions = { ...DEFAULT_OUTBOUND_OPTIONS, ...overrides };
  const { config, dataSource: ds } = ctx;
  const fatal = ctx.fatal ?? crashProcess;
  const log = ctx.log.child({ module: "outbound" });
  const delivery = config.SMTP_URL
    ? smtpDelivery(config.SMTP_URL, opts.concurrency, opts.smtpTimeouts)
    : emlDelivery(config.DATA_DIR);
  const compose = { emailFrom: config.EMAIL_FROM, dataDir: config.DATA_DIR, mail: mailSettingsFromConfig(config) };
  // Issue 13.2: a project's own SMTP server, for its verification email and, once enabled, its customer emails.
  const custom = startCustomSmtp(ctx, opts.smtpTimeouts);
  // Claimed but not sending yet: claiming a batch per query keeps the database work per email low.
  const claims = startClaims(ds, log, {
    leaseMs: opts.leaseMs,
    giveUpMs: opts.sessionGiveUpMs,
    onSessionLost: () => wake(),
  });

  let stopping = false;
  const inFlight = new Map<number, { id: number; attempts: number; done: Promise<void> }>();
  const timers = new Set<NodeJS.Timeout>();

  // A wake-up that is never lost: requested while the loop is busy, the next wait returns at once.
  let wakeRequested = false;
  let wakeWaiter: (() => void) | null = null;
  const wake = () => {
    wakeRequested = true;
    wakeWaiter?.();
  };
  const waitForWake = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wakeRequested || stopping) return resolve();
      const done = () => {
        clearTimeout(timer);
        wakeWaiter = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeWaiter = done;
    });
  /** Waits `ms` unless the runner stops (a wake-up does not cut it short). */
  let cancelPause: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping) return resolve();
      const done = () => {
        clearTimeout(t);
        cancelPause = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      cancelPause = done;
    });
  // Issue 14.3: when the runner began yielding to the inbound backlog (null: it is not yielding).
  let yieldingSince: number | null = null;
  let cancelYield: (() => void) | null = null;
  /** True when the runner waited for the inbound backlog instead of claiming (the loop then looks again). */
  const yieldToInbound = async (): Promise<boolean> => {
    const inbound = opts.yieldTo;
    if (!inbound?.busy() || stopping) {
      yieldingSince = null;
      return false;
    }
    yieldingSince ??= Date.now();
    const left = opts.maxYieldMs - (Date.now() - yieldingSince);
    if (left <= 0) {
      // Yielded long enough: one batch goes out now, then the runner yields again.
      yieldingSince = null;
      return false;
    }
    await new Promise<void>((resolve) => {
      cancelYield = resolve;
      void inbound.idle(left).then(resolve);
    });
    cancelYield = null;
    return true;
  };
  const wakeAfter = (ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      wake();
    }, ms);
    timers.add(t);
  };

  /** Retries a bookkeeping write until it lands: the email's outcome must not be lost to a DB blip. */
  const record = async (what: string, write: () => Promise<boolean>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (attempt >= 10) throw err;
        log.warn({ err, attempt, what }, "outbound.record_retry");
        await sleepMs(Math.min(5_000, 100 * 2 ** attempt));
      }
    }
  };

  // Emails whose SMTP conversation is under way; a slot frees as soon as the server has answered, and
  // the outcome is recorded right then while the next email already goes out.
  let sending = 0;
  const sendSlotFree = () => {
    sending--;
    wake();
  };

  const deliverOne = async (email: ClaimedEmail, slot: { release: () => void }) => {
    const claim = { id: email.id, attempts: email.attempts };
    const fields = { outboxId: email.id, kind: email.kind, attempt: email.attempts, messageId: email.messageId };
    if (email.recipientUnsubscribed) {
      const reason = "Not sent: the recipient unsubscribed from this issue before the email went out.";
      await record("failed", () => markFailed(ds, claim, reason));
      log.info(fields, "outbound.skipped_unsubscribed");
      return;
    }
    let route: CustomRoute | null = null;
    try {
      const pending = custom.routeFor(email);
      // Most emails leave through the instance's server: no wait, so they keep their claim order.
      if (pending) route = await pending;
    } catch (err) {
      // The project's server could not be looked up (a database blip, or credentials sealed under another
      // key): retried like a send that failed, and named.
      const reason = `The project's SMTP settings could not be read: ${(err as Error).message}`;
      const delayMs = retryDelayMs(email.attempts, opts.retry, opts.random);
      await record("retry", () => markRetry(ds, claim, delayMs, reason));
      wakeAfter(delayMs);
      log.warn({ ...fields, reason }, "outbound.custom_smtp_unreadable");
      return;
    }
    if (email.kind === OutboundKind.CustomEmailVerification && !route) {
      const reason = "Not sent: the custom email address is no longer waiting for verification.";
      await record("failed", () => markFailed(ds, claim, reason));
      return;
    }
    try {
      await sendVia(email, claim, fields, slot, route);
    } finally {
      await route?.done();
    }
  };

  const sendVia = async (
    email: ClaimedEmail,
    claim: { id: number; attempts: number },
    fields: Record<string, unknown>,
    slot: { release: () => void },
    route: CustomRoute | null,
  ) => {
    const via = route?.delivery ?? delivery;
    let message: ReturnType<typeof mailOptionsFor>;
    try {
      message = mailOptionsFor(email, route ? { ...compose, emailFrom: route.emailFrom } : compose);
      for (const a of email.attachments) await fs.access(attachmentPath(config.DATA_DIR, a.storagePath));
    } catch (err) {
      const reason = `The email could not be built: ${(err as Error).message}`;
      await record("failed", () => markFailed(ds, claim, reason));
      log.error({ ...fields, err }, "outbound.unbuildable");
      return;
    }
    if (!(await claims.beginSend(email))) return;
    let response: string;
    try {
      ({ response } = await via.send(message, { id: email.id, messageId: email.messageId }));
    } catch (err) {
      slot.release();
      const failure = classifySendError(err);
      if (route?.verification && email.projectId !== null) {
        // GitLab sends the verification once: its failure is the verification's (item 34).
        await record("failed", async () => {
          await custom.failVerification(email.projectId as number, err);
          return markFailed(ds, claim, failure.reason);
        });
        log.warn({ ...fields, reason: failure.reason }, "outbound.custom_email_verification_failed");
      } else if (failure.permanent) {
        await record("failed", () => markFailed(ds, claim, failure.reason));
        log.warn({ ...fields, reason: failure.reason }, "outbound.failed_permanently");
      } else if (email.attempts >= opts.retry.maxAttempts) {
        const hours = Math.round(maxRetryWindowMs(opts.retry) / 360_000) / 10;
        const reason = `Gave up after ${email.attempts} attempts over about ${hours} hours. Last error: ${failure.reason}`;
        await record("failed", () => markFailed(ds, claim, reason));
        log.warn({ ...fields, reason: failure.reason }, "outbound.gave_up");
      } else {
        const delayMs = retryDelayMs(email.attempts, opts.retry, opts.random);
        await record("retry", () => markRetry(ds, claim, delayMs, failure.reason));
        wakeAfter(delayMs);
        log.warn({ ...fields, reason: failure.reason, delayMs }, "outbound.retry_scheduled");
      }
      return;
    }
    slot.release();
    await opts.hooks?.afterSend?.(email.id);
    const recorded = await record("sent", () => markSent(ds, claim, response));
    if (recorded) log.info({ ...fields, response: response.slice(0, 200) }, "outbound.sent");
    else log.warn(fields, "outbound.sent_after_lease_lost");
  };

  const dispatch = () => {
    while (sending < opts.concurrency && claims.waiting() > 0) {
      const email = claims.next()!;
      sending++;
      let released = false;
      const slot = {
        release: () => {
          if (released) return;
          released = true;
          sendSlotFree();
        },
      };
      const done = deliverOne(email, slot)
        .catch((err) => log.error({ err, outboxId: email.id }, "outbound.deliver_crashed"))
        .finally(() => {
          slot.release();
          inFlight.delete(email.id);
          wake();
        });
      inFlight.set(email.id, { id: email.id, attempts: email.attempts, done });
    }
  };

  const loop = async () => {
    while (!stopping) {
      wakeRequested = false;
      opts.hooks?.beforeClaim?.();
      const state = await claims.ensureSession([...inFlight.values()]);
      if (!state.ok) {
        await pause(state.retryInMs);
        continue;
      }
      await custom.refresh().catch((err) => log.warn({ err }, "outbound.custom_smtp_refresh_failed"));
      dispatch();
      if (claims.waiting() < opts.concurrency && (await yieldToInbound())) continue;
      // Prefetch while sends are in flight, so a free slot never waits for a claim.
      if (claims.waiting() < opts.concurrency) {
        const want = Math.max(opts.claimBatch, opts.concurrency) - claims.waiting();
        try {
          // A full batch: more may be due.
          if ((await claims.claimMore(want)) === want) wakeRequested = true;
        } catch (err) {
          log.error({ err }, "outbound.claim_failed");
          await waitForWake(opts.pollIntervalMs);
          continue;
        }
        await custom.refresh().catch((err) => log.warn({ err }, "outbound.custom_smtp_refresh_failed"));
        dispatch();
      }
      await waitForWake(opts.pollIntervalMs);
    }
  };

  // LISTEN on the outbox channel: enqueueEmail NOTIFYs on commit. The poll covers any gap, and every
  // (re)connect wakes the loop for what was queued while the listener was away.
  const databaseUrl = (ds.options as { url?: string }).url ?? config.DATABASE_URL;
  const listener = databaseUrl
    ? await startListener({
        databaseUrl,
        channels: [OUTBOX_CHANNEL],
        applicationName: "tidings-outbox-listen",
        log,
        onNotification: (_channel, payload) => {
          if (payload === CUSTOM_EMAIL_CHANGED) custom.invalidate();
          wake();
        },
        onConnect: () => wake(),
        onGiveUp: (err) => fatal(new Error(`The outbox listener could not reconnect: ${String(err)}`)),
      })
    : null;

  const heartbeat = setInterval(
    () => void claims.hold([...inFlight.values()]).catch((err) => log.warn({ err }, "outbound.lease_failed")),
    Math.max(100, Math.floor(opts.leaseMs / 3)),
  );

  log.info(
    {
      delivery: delivery.kind,
      smtp: redactUrl(config.SMTP_URL),
      concurrency: opts.concurrency,
      maxAttempts: opts.retry.maxAttempts,
    },
    "outbound.started",
  );
  // A loop that cannot go on ends the worker (the supervisor restarts it), never stops quietly.
  const running = loop().catch((err) => {
    log.fatal({ err }, "outbound.loop_crashed");
    fatal(err instanceof Error ? err : new Error(String(err)));
  });

  return {
    delivery: delivery.kind,
    wake,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      wake();
      cancelPause?.();
      cancelYield?.();
      await running;
      await claims
        .releaseWaiting((write) => record("release", write))
        .catch((err) => log.warn({ err }, "outbound.release_failed"));
      await Promise.allSettled([...inFlight.values()].map((f) => f.done));
      clearInterval(heartbeat);
      // Last: the claims of the sends in flight stayed this runner's until they were recorded.
      await claims.close();
      for (const t of timers) clearTimeout(t);
      await listener?.close();
      await delivery.close();
      await custom.close();
      log.info("outbound.stopped");
    },
  };
};
