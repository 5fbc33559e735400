// What one outbox runner holds: its session (claim-session.ts) and the emails it claimed but has not
// started sending yet. Claims are taken, kept and taken back only on the session's connection.
import type { Logger } from "@tidings/core";
import type { DataSource } from "@tidings/db";
import { startClaimSession } from "./claim-session.ts";
import { type ClaimedEmail, claimDueEmails, holdClaims, markSendStarted, releaseClaims } from "./outbox-store.ts";

type Claim = { id: number; attempts: number };

export type SessionState = { ok: true } | { ok: false; retryInMs: number };

export type Claims = {
  /** Emails claimed and not started, in claim order. */
  waiting: () => number;
  next: () => ClaimedEmail | undefined;
  /** Claims up to `want` more due emails; returns how many. Throws when the session fails. */
  claimMore: (want: number) => Promise<number>;
  /** Marks the send started, only while the claim is still ours (see beginSend). */
  beginSend: (email: ClaimedEmail) => Promise<boolean>;
  /** Extends every claim still held (the sends in flight and the waiting ones); forgets the ones taken over. */
  hold: (inFlight: Claim[]) => Promise<void>;
  /**
   * Opens the session if it is not open, and takes back under the new key the claims nobody else took
   * meanwhile. Not reachable: when to try again (growing delay); past `giveUpMs`, throws.
   */
  ensureSession: (inFlight: Claim[]) => Promise<SessionState>;
  /** Gives the waiting claims back (the runner stops): due again at once, attempt not counted. */
  releaseWaiting: (write: (f: () => Promise<boolean>) => Promise<boolean>) => Promise<void>;
  /** Ends the session: every claim still held is free for the other runners. */
  close: () => Promise<void>;
};

export const startClaims = (
  ds: DataSource,
  log: Logger,
  opts: { leaseMs: number; giveUpMs: number; onSessionLost: () => void },
): Claims => {
  const session = startClaimSession(ds, log, opts.onSessionLost);
  let waiting: ClaimedEmail[] = [];
  let downSince: number | null = null;
  let delayMs = 250;

  const hold = async (inFlight: Claim[]) => {
    const owner = session.owner();
    if (owner === null) return;
    const asked = [...inFlight, ...waiting];
    const askedIds = new Set(asked.map((c) => c.id));
    const held = await holdClaims(session.query, owner, asked, opts.leaseMs);
    const lost = waiting.filter((e) => askedIds.has(e.id) && !held.has(e.id));
    if (lost.length === 0) return;
    waiting = waiting.filter((e) => !lost.includes(e));
    log.warn({ outboxIds: lost.map((e) => e.id) }, "outbound.claims_lost");
  };

  return {
    waiting: () => waiting.length,
    next: () => waiting.shift(),
    claimMore: async (want) => {
      const owner = session.owner();
      if (owner === null) throw new Error("The outbox session is not open");
      const claimed = await claimDueEmails(session.query, owner, want, opts.leaseMs);
      waiting.push(...claimed);
      return claimed.length;
    },
    // No session (its connection just failed): the email waits again and is taken back with the others
    // when the session reopens. Taken over by another runner: dropped here, the other runner sends it.
    beginSend: async (email) => {
      const owner = session.owner();
      try {
        if (owner !== null && (await markSendStarted(session.query, owner, email))) return true;
        if (owner !== null) {
          log.warn({ outboxId: email.id, attempt: email.attempts }, "outbound.claim_lost");
          return false;
        }
      } catch (err) {
        log.warn({ err, outboxId: email.id }, "outbound.send_start_failed");
      }
      waiting.unshift(email);
      return false;
    },
    hold,
    ensureSession: async (inFlight) => {
      if (session.owner() !== null) return { ok: true };
      if ((await session.open()) !== null) {
        try {
          await hold(inFlight);
          downSince = null;
          delayMs = 250;
          return { ok: true };
        } catch (err) {
          log.warn({ err }, "outbound.claims_hold_failed");
        }
      }
      downSince ??= Date.now();
      if (Date.now() - downSince >= opts.giveUpMs) {
        throw new Error(`The outbox runner could not open its database session for ${opts.giveUpMs} ms`);
      }
      const retryInMs = delayMs;
      delayMs = Math.min(10_000, delayMs * 2);
      return { ok: false, retryInMs };
    },
    releaseWaiting: async (write) => {
      const rest = waiting.splice(0);
      await write(async () => {
        await releaseClaims(ds, rest);
        return true;
      });
    },
    close: () => session.close(),
  };
};
