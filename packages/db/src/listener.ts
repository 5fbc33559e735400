// One LISTEN connection that never gives up quietly: shared by the api (subscriptions, sign-outs) and the
// worker (the outbox wake-up). A lost connection — PostgreSQL restarted, the backend terminated, the
// network gone — is re-established with a growing delay, every channel is LISTENed again, and `onConnect`
// runs after each reconnect so its owner can catch up on what was NOTIFYed while it was away. Only when the
// database stays unreachable past `giveUpAfterMs` does `onGiveUp` run: its owner ends the process, and the
// supervisor starts a fresh one.
import pg from "pg";

export type ListenerLog = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
};

export type ListenerOptions = {
  databaseUrl: string;
  channels: string[];
  applicationName: string;
  log: ListenerLog;
  onNotification: (channel: string, payload: string) => void;
  /** After every successful (re)connect, once LISTEN is active; `reconnect` is false the first time. */
  onConnect?: (info: { reconnect: boolean }) => void;
  /** The database stayed unreachable for `giveUpAfterMs`: the owner should end the process. */
  onGiveUp: (err: unknown) => void;
  giveUpAfterMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
};

export type Listener = {
  /** Whether LISTEN is active right now. */
  connected: () => boolean;
  /** How many times the connection was re-established after a loss. */
  reconnects: () => number;
  close: () => Promise<void>;
};

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/** Connects and LISTENs; resolves once the first connection is up (rejects if it cannot be by `giveUpAfterMs`). */
export const startListener = (opts: ListenerOptions): Promise<Listener> => {
  for (const c of opts.channels) if (!CHANNEL.test(c)) throw new Error(`Invalid channel name: ${c}`);
  const giveUpAfterMs = opts.giveUpAfterMs ?? 5 * 60_000;
  const initialDelayMs = opts.initialDelayMs ?? 250;
  const maxDelayMs = opts.maxDelayMs ?? 10_000;
  let client: pg.Client | null = null;
  let closed = false;
  let everConnected = false;
  let reconnects = 0;
  let failingSince: number | null = null;
  let delay = initialDelayMs;
  let timer: NodeJS.Timeout | undefined;

  return new Promise<Listener>((resolveStart, rejectStart) => {
    const listener: Listener = {
      connected: () => client !== null,
      reconnects: () => reconnects,
      close: async () => {
        closed = true;
        clearTimeout(timer);
        const c = client;
        client = null;
        await c?.end().catch(() => undefined);
      },
    };

    const scheduleRetry = (err: unknown) => {
      if (closed) return;
      failingSince ??= Date.now();
      if (Date.now() - failingSince >= giveUpAfterMs) {
        opts.log.error({ err, channels: opts.channels }, "listener.gave_up");
        if (!everConnected) rejectStart(err);
        else opts.onGiveUp(err);
        return;
      }
      opts.log.warn({ err, channels: opts.channels, retryInMs: delay }, "listener.connection_lost");
      clearTimeout(timer);
      timer = setTimeout(() => void connect(), delay);
      timer.unref();
      delay = Math.min(maxDelayMs, delay * 2);
    };

    const connect = async () => {
      if (closed) return;
      const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: opts.applicationName });
      let lost = false;
      const onLost = (err: unknown) => {
        if (lost) return;
        lost = true;
        if (client === c) client = null;
        c.end().catch(() => undefined);
        scheduleRetry(err);
      };
      c.on("notification", (msg) => {
        if (msg.payload !== undefined) opts.onNotification(msg.channel, msg.payload);
      });
      c.on("error", onLost);
      c.on("end", () => onLost(new Error("The LISTEN connection ended")));
      try {
        await c.connect();
        for (const channel of opts.channels) await c.query(`LISTEN ${channel}`);
      } catch (err) {
        onLost(err);
        return;
      }
      if (closed || lost) {
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      const reconnect = everConnected;
      if (reconnect) {
        reconnects++;
        opts.log.info({ channels: opts.channels, reconnects }, "listener.reconnected");
      }
      everConnected = true;
      failingSince = null;
      delay = initialDelayMs;
      opts.onConnect?.({ reconnect });
      resolveStart(listener);
    };
    void connect();
  });
};
