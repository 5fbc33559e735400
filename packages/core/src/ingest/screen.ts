// Issue 13.3: every inbound message is screened before routing — sender authentication (SPF, DKIM, DMARC,
// ARC, with mailauth) and, when SPAM_CHECK_URL names a spamd, a spam score with its rules. The result is
// plain data: stored with the message, shown per message, and read by decide (a DMARC `reject` failure is
// quarantined, never answered) and apply (a score above the project's threshold is quarantined as spam).
// A screening step that cannot run (DNS or spamd down) says so and lets the message through: mail is never
// lost to a checker.
import { Resolver } from "node:dns/promises";
import net from "node:net";
import os from "node:os";

export type AuthVerdict =
  | "pass"
  | "fail"
  | "softfail"
  | "neutral"
  | "none"
  | "temperror"
  | "permerror"
  | "policy"
  | "skipped";

export type Screening = {
  auth: {
    spf: AuthVerdict;
    dkim: AuthVerdict;
    /** The domain whose DKIM signature passed (or was checked). */
    dkimDomain: string | null;
    dmarc: AuthVerdict;
    /** The From domain's published DMARC policy (none, quarantine, reject) when it has one. */
    dmarcPolicy: string | null;
    dmarcDomain: string | null;
    arc: AuthVerdict;
  } | null;
  spam: { score: number; required: number; rules: string[] } | null;
  /** Checks that could not run, in words (e.g. "spam check unavailable: connection refused"). */
  problems: string[];
};

export type ScreeningSettings = {
  /** `spamd://host:port` (SpamAssassin's spamd), or null for no spam scoring. */
  spamCheckUrl: string | null;
  /** DNS servers (`ip` or `ip:port`) for sender authentication; empty for the system's. */
  dnsServers: string[];
  /** Sender authentication on (SENDER_AUTH). */
  senderAuth: boolean;
};

/** `smtp <ip> <helo>`: the ledger's source of a message received over SMTP; SPF reads it back. One rule. */
export const smtpSource = (ip: string | undefined, helo: string | undefined) =>
  ["smtp", ip?.replace(/^::ffff:/, "") || "-", (helo ?? "").replace(/\s+/g, "").slice(0, 255) || "-"].join(" ");

/** The client address and HELO of an SMTP-received message's source (null when unknown). */
export const smtpClientOf = (source: string | null | undefined): { ip: string; helo: string | undefined } | null => {
  const [kind, ip, helo] = (source ?? "").split(" ");
  if (kind !== "smtp" || !ip || ip === "-" || net.isIP(ip) === 0) return null;
  return { ip, helo: helo && helo !== "-" ? helo : undefined };
};

const DNS_CACHE_MS = 5 * 60_000;
const SPAMD_TIMEOUT_MS = 10_000;

/** A cached DNS resolver for mailauth (per thread): a domain's answer is asked once per five minutes. */
const resolverFor = (() => {
  const resolvers = new Map<string, (name: string, type: string) => Promise<unknown>>();
  return (servers: string[]) => {
    const key = servers.join(",");
    const existing = resolvers.get(key);
    if (existing) return existing;
    const dns = new Resolver({ timeout: 3_000, tries: 2 });
    if (servers.length) dns.setServers(servers);
    const cache = new Map<string, { at: number; value: Promise<unknown> }>();
    const resolve = (name: string, type: string) => {
      const id = `${type}:${name.toLowerCase()}`;
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < DNS_CACHE_MS) return hit.value;
      const value = dns.resolve(name, type as "TXT");
      // A failed answer (NXDOMAIN, no data) is cached as well: it is an answer too.
      value.catch(() => undefined);
      cache.set(id, { at: Date.now(), value });
      if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
      return value;
    };
    resolvers.set(key, resolve);
    return resolve;
  };
})();

const verdict = (v: unknown): AuthVerdict => (typeof v === "string" ? (v as AuthVerdict) : "none");

type MailauthParts = [
  typeof import("mailauth/lib/dkim/verify.js"),
  typeof import("mailauth/lib/spf/index.js"),
  typeof import("mailauth/lib/arc/index.js"),
  typeof import("mailauth/lib/dmarc/index.js"),
];
/**
 * mailauth's parts, loaded on first use and only where messages are screened (the decide threads): the
 * worker's main thread never pays for them. Loaded once: an `import()` per message, even of a module already
 * loaded, went through the module loader five times per message (issue 14.1, a CPU profile of a flood).
 */
let mailauthParts: Promise<{ mta: string; parts: MailauthParts }> | null = null;
const loadMailauth = () => {
  if (mailauthParts) return mailauthParts;
  const loading = (async () => {
    const [parts, { useFastHeaderScan }] = await Promise.all([
      Promise.all([
        import("mailauth/lib/dkim/verify.js"),
        import("mailauth/lib/spf/index.js"),
        import("mailauth/lib/arc/index.js"),
        import("mailauth/lib/dmarc/index.js"),
      ]),
      import("./mailauth-header-scan.ts"),
    ]);
    useFastHeaderScan();
    // This host's name for SPF's explanations, read once (a system call per message otherwise).
    return { mta: os.hostname(), parts: parts as MailauthParts };
  })();
  // A failed load is tried again by the next message, not kept.
  loading.catch(() => {
    if (mailauthParts === loading) mailauthParts = null;
  });
  mailauthParts = loading;
  return loading;
};

/**
 * SPF (when the client's address is known), DKIM, ARC and DMARC, in mailauth's order (its `authenticate`,
 * without BIMI and Authentication-Results formatting).
 */
export const authenticateSender = async (
  raw: Buffer,
  opts: { envelopeFrom: string | null; dnsServers: string[]; ip?: string; helo?: string },
): Promise<Screening["auth"]> => {
  const {
    mta,
    parts: [{ dkimVerify }, { spf }, { arc }, { dmarc }],
  } = await loadMailauth();
  const resolver = resolverFor(opts.dnsServers);
  const sender = opts.envelopeFrom || undefined;
  const dkimResult = await dkimVerify(raw, { resolver, sender });
  const spfResult = opts.ip
    ? await spf({ sender, ip: opts.ip, helo: opts.helo ?? `[${opts.ip}]`, mta, resolver })
    : false;
  const arcResult = dkimResult.arc ? await arc(dkimResult.arc, { resolver }) : false;
  const passed = dkimResult.results.filter((r) => r.status.result === "pass");
  const dmarcResult = dkimResult.headerFrom
    ? await dmarc({
        headerFrom: dkimResult.headerFrom,
        spfDomains: spfResult && spfResult.status.result === "pass" && spfResult.domain ? [spfResult.domain] : [],
        dkimDomains: passed.map((r) => ({
          id: r.id,
          domain: r.signingDomain,
          aligned: r.status.aligned,
          underSized: r.status.underSized,
        })),
        arcResult,
        resolver,
      })
    : false;
  const dkim = passed[0] ?? dkimResult.results[0];
  return {
    spf: spfResult ? verdict(spfResult.status.result) : "skipped",
    dkim: verdict(dkim?.status.result),
    dkimDomain: dkim?.signingDomain ?? null,
    dmarc: dmarcResult ? verdict(dmarcResult.status.result) : "none",
    dmarcPolicy: dmarcResult ? dmarcResult.policy || null : null,
    dmarcDomain: dmarcResult ? (dmarcResult.domain ?? null) : null,
    arc: arcResult ? verdict(arcResult.status.result) : "none",
  };
};

/** SpamAssassin's spamd (SPAMC/1.5, SYMBOLS): the score, the threshold it was configured with, and the rules hit. */
export const spamdCheck = (url: string, raw: Buffer): Promise<NonNullable<Screening["spam"]>> =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const socket = net.connect(Number(u.port || 783), u.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(SPAMD_TIMEOUT_MS, () =>
      socket.destroy(new Error(`spamd did not answer within ${SPAMD_TIMEOUT_MS / 1000} s`)),
    );
    socket.on("connect", () => {
      socket.write(`SYMBOLS SPAMC/1.5\r\nContent-length: ${raw.length}\r\n\r\n`);
      socket.end(raw);
    });
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const status = /^SPAMD\/[\d.]+ (\d+) (\S+)/.exec(text);
      if (status?.[1] !== "0") return reject(new Error(`spamd refused the message: ${text.split("\r\n")[0]}`));
      const spam = /\r\nSpam: \w+ ; (-?[\d.]+) \/ (-?[\d.]+)/.exec(text);
      if (!spam) return reject(new Error("spamd answered without a score"));
      const body = text.slice(text.indexOf("\r\n\r\n") + 4).trim();
      resolve({
        score: Number(spam[1]),
        required: Number(spam[2]),
        rules: body
          ? body
              .split(",")
              .map((r) => r.trim())
              .filter(Boolean)
          : [],
      });
    });
  });

export const screenMessage = async (
  raw: Buffer,
  settings: ScreeningSettings,
  envelopeFrom: string | null,
  client: { ip: string; helo: string | undefined } | null = null,
): Promise<Screening> => {
  const problems: string[] = [];
  const [auth, spam] = await Promise.all([
    settings.senderAuth
      ? authenticateSender(raw, {
          envelopeFrom,
          dnsServers: settings.dnsServers,
          ip: client?.ip,
          helo: client?.helo,
        }).catch((err: Error) => {
          problems.push(`sender authentication could not run: ${err.message}`);
          return null;
        })
      : Promise.resolve(null),
    settings.spamCheckUrl
      ? spamdCheck(settings.spamCheckUrl, raw).catch((err: Error) => {
          problems.push(`spam check unavailable: ${err.message}`);
          return null;
        })
      : Promise.resolve(null),
  ]);
  return { auth, spam, problems };
};

/** A DMARC failure of a domain that asks receivers to reject it: quarantined, never answered. */
export const dmarcRejection = (s: Screening): string | null => {
  const a = s.auth;
  if (a?.dmarc !== "fail" || a.dmarcPolicy !== "reject") return null;
  return `Quarantined: sender authentication failed — ${a.dmarcDomain ?? "the sender's domain"} publishes a DMARC policy of reject, and this message passed neither SPF (${a.spf}) nor DKIM (${a.dkim}) for it. Not answered.`;
};

/** A spam score at or above the threshold (the project's, else spamd's own). */
export const spamVerdict = (s: Screening | undefined, projectThreshold: number | null): string | null => {
  const spam = s?.spam;
  if (!spam) return null;
  const threshold = projectThreshold ?? spam.required;
  if (spam.score < threshold) return null;
  const rules = spam.rules.slice(0, 5).join(", ");
  return `Spam: score ${spam.score.toFixed(1)} is at or above the threshold ${threshold.toFixed(1)}${rules ? ` (${rules})` : ""}.`;
};

/** The line a responder reads: what the checks said. */
export const describeScreening = (s: Screening): string => {
  const parts: string[] = [];
  if (s.auth) {
    parts.push(`SPF ${s.auth.spf}`);
    parts.push(`DKIM ${s.auth.dkim}${s.auth.dkimDomain ? ` (${s.auth.dkimDomain})` : ""}`);
    parts.push(`DMARC ${s.auth.dmarc}${s.auth.dmarcPolicy ? ` (policy ${s.auth.dmarcPolicy})` : ""}`);
    if (s.auth.arc !== "none") parts.push(`ARC ${s.auth.arc}`);
  }
  if (s.spam) parts.push(`spam score ${s.spam.score.toFixed(1)} of ${s.spam.required.toFixed(1)}`);
  for (const p of s.problems) parts.push(p);
  return parts.join(" · ");
};
