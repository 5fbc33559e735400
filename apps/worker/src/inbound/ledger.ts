// Issue 14.2: group commit for the ledger. Messages that arrive while a commit is under way wait for the
// next one, which stores them all with one INSERT: concurrent SMTP sessions share a commit instead of
// paying one fsync each. Each session's 250 still waits for the commit that holds its message
// (synchronous_commit stays on), so kill -9 at any point loses nothing that was acknowledged.
import {
  type ReceiveEmailInput,
  type ReceiveEmailResult,
  type ReceiveSpooledInput,
  receiveEmails,
  receiveSpooledEmail,
} from "@tidings/core";
import type { DataSource } from "@tidings/db";

export type Ledger = {
  store: (input: ReceiveEmailInput) => Promise<ReceiveEmailResult>;
  /**
   * A spooled (large) message: stored alone, in its own transaction, beside the group commits (its pieces
   * take a while to send, and small messages do not wait behind them).
   */
  storeSpooled: (input: ReceiveSpooledInput) => Promise<ReceiveEmailResult>;
};

type Waiting = { input: ReceiveEmailInput; resolve: (r: ReceiveEmailResult) => void; reject: (e: unknown) => void };

export type LedgerOptions = {
  /** Messages per commit at most. */
  maxMessages?: number;
  /** Bytes per commit at most (a 25 MB message is stored alone, never with a queue of others). */
  maxBytes?: number;
};

export const startLedger = (ds: DataSource, opts: LedgerOptions = {}): Ledger => {
  const maxMessages = opts.maxMessages ?? 64;
  const maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
  const waiting: Waiting[] = [];
  let writing = false;

  const take = (): Waiting[] => {
    const group: Waiting[] = [];
    let bytes = 0;
    while (waiting.length > 0 && group.length < maxMessages) {
      const next = waiting[0];
      if (group.length > 0 && bytes + next.input.raw.length > maxBytes) break;
      bytes += next.input.raw.length;
      group.push(waiting.shift() as Waiting);
    }
    return group;
  };

  const write = async (group: Waiting[]) => {
    try {
      const results = await receiveEmails(
        ds.manager,
        group.map((w) => w.input),
      );
      for (const [i, w] of group.entries()) w.resolve(results[i]);
    } catch (err) {
      if (group.length === 1) return group[0].reject(err);
      // One message's failure must not refuse its neighbours: each is tried alone.
      for (const w of group) await write([w]);
    }
  };

  const flush = async () => {
    if (writing) return;
    writing = true;
    try {
      while (waiting.length > 0) await write(take());
    } finally {
      writing = false;
    }
  };

  return {
    storeSpooled: (input) => receiveSpooledEmail(ds, input),
    store: (input) =>
      new Promise<ReceiveEmailResult>((resolve, reject) => {
        waiting.push({ input, resolve, reject });
        void flush();
      }),
  };
};
