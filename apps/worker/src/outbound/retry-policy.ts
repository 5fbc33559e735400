// When a failed send is tried again, and which failures are not worth retrying. Pure.

export type RetryPolicy = {
  /** Delay after the first failed attempt; doubles with every further attempt. */
  baseMs: number;
  /** No delay is longer than this. */
  capMs: number;
  /** After this many attempts the email is marked failed. */
  maxAttempts: number;
};

/**
 * The default schedule: 30 s, 1 min, 2, 4, 8, 16, 32 min, then hourly, 16 attempts in all. With the
 * jitter below the last attempt comes between about 4.8 and 9 hours after the first, so an SMTP
 * server that is down for a night's maintenance still gets every email.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 30_000, capMs: 3_600_000, maxAttempts: 16 };

/**
 * Delay before the next attempt once `attempts` attempts have failed: exponential, capped, with
 * "equal jitter" (between half and all of the nominal delay) so that a backlog released by a recovered
 * server does not come back in lock-step.
 */
export const retryDelayMs = (attempts: number, policy: RetryPolicy, random: () => number = Math.random) => {
  const nominal = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
};

/** The longest time between the first attempt and giving up, for documentation and messages. */
export const maxRetryWindowMs = (policy: RetryPolicy) => {
  let total = 0;
  for (let a = 1; a < policy.maxAttempts; a++) total += Math.min(policy.capMs, policy.baseMs * 2 ** (a - 1));
  return total;
};

export type SendFailure = { permanent: boolean; reason: string };

type SmtpError = Error & { code?: string; responseCode?: number; response?: string; permanent?: boolean };

// Failures of the instance's own SMTP set-up (wrong password, TLS, configuration): the email itself is
// fine, so it waits for the administrator to fix the server settings instead of being dropped.
const INSTANCE_PROBLEMS = new Set(["EAUTH", "ENOAUTH", "EOAUTH2", "ETLS", "EREQUIRETLS", "ECONFIG", "EPROXY"]);

/**
 * Sorts a nodemailer error: a 5xx reply to the message (RFC 5321 permanent negative completion, 503
 * excepted) or an unusable message is permanent; connection problems, timeouts, 4xx replies and
 * problems of our own SMTP settings are transient. The reason keeps the server's reply verbatim.
 */
export const classifySendError = (err: unknown): SendFailure => {
  const e = err as SmtpError;
  const reply = typeof e?.response === "string" && e.response ? e.response.trim() : null;
  const reason = (reply ?? (e?.message || String(err))).slice(0, 2000);
  if (e?.code && INSTANCE_PROBLEMS.has(e.code)) return { permanent: false, reason };
  if (typeof e?.responseCode === "number") {
    const permanent = e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
    return { permanent, reason };
  }
  // Rejected before talking to the server: a malformed address or a message over the server's SIZE.
  if (e?.code === "EENVELOPE" || e?.code === "EMESSAGE") return { permanent: true, reason };
  return { permanent: false, reason };
};
