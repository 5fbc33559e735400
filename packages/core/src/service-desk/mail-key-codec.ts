// The one codec of Tidings' email addresses (issue 9.11). An address is a configured template (with %{key}
// in its local part, GitLab's incoming_email.address) filled with a key; the key says what the address is
// for. Every writer (the settings panel's address, Reply-To, List-Unsubscribe, References) encodes here,
// and every reader (routing, the SMTP listener's RCPT check, unsubscribe, redaction) decodes here, so the
// two can never disagree. `mail-key-codec.test.ts` proves decode(encode(x)) = x.

/** What a key means (C2). Resolution against the database happens in the apply step. */
export type MailTarget =
  | { kind: "service_desk"; projectId: number; slug: string }
  | { kind: "service_desk_key"; slug: string; projectKey: string }
  | { kind: "legacy"; fullPath: string }
  | { kind: "reply"; replyKey: string }
  | { kind: "unsubscribe"; replyKey: string }
  | { kind: "unknown"; key: string };

/** The targets that name a project's Service Desk (by id and slug, by custom key, or GitLab's legacy path). */
export type ProjectTarget = Extract<MailTarget, { kind: "service_desk" | "service_desk_key" | "legacy" }>;

/** Which configured template an address matched: INCOMING_EMAIL_ADDRESS or SERVICE_DESK_EMAIL_ADDRESS. */
export type Mailbox = "incoming" | "service_desk";

const UNSUBSCRIBE_SUFFIX = "-unsubscribe";
const ISSUE_SUFFIX = "-issue-";

/** Reply keys: 32 lowercase hex (GitLab's and ours), or GitLab 18's partitioned base36 form (item 14). */
export const REPLY_KEY_SOURCE = "(?:[a-f\\d]{32}|[0-9a-z]{1,4}-[0-9a-z]{25}(?:-[0-9a-z]{1,13})?)";
const REPLY_KEY = new RegExp(`^${REPLY_KEY_SOURCE}$`);
/** A project suffix (B3): lowercase letters, digits and `_`. */
export const PROJECT_KEY_PATTERN = /^[a-z0-9_]+$/;
const DEFAULT_KEY = /^(?<slug>.+)-(?<id>\d+)-issue-$/;
const ALIAS_KEY = /^(?<slug>.+)-(?<key>[a-z0-9_]+)$/;

/** The key of each kind of target: the inverse of `decodeKey`. */
export const encodeKey = (target: Exclude<MailTarget, { kind: "unknown" }>): string => {
  switch (target.kind) {
    case "service_desk":
      return `${target.slug}-${target.projectId}${ISSUE_SUFFIX}`;
    case "service_desk_key":
      return `${target.slug}-${target.projectKey}`;
    case "legacy":
      return target.fullPath;
    case "reply":
      return target.replyKey;
    case "unsubscribe":
      return `${target.replyKey}${UNSUBSCRIBE_SUFFIX}`;
  }
};

/** What a key found in one of our mailboxes means. */
export const decodeKey = (mailbox: Mailbox, key: string): MailTarget => {
  const def = DEFAULT_KEY.exec(key);
  if (def?.groups) {
    const projectId = Number(def.groups.id);
    if (Number.isSafeInteger(projectId)) return { kind: "service_desk", projectId, slug: def.groups.slug };
  }
  if (mailbox === "service_desk") {
    const alias = ALIAS_KEY.exec(key);
    return alias?.groups
      ? { kind: "service_desk_key", slug: alias.groups.slug, projectKey: alias.groups.key }
      : { kind: "unknown", key };
  }
  // Legacy `incoming+group/project@`: contains "/" and no "+".
  if (key.includes("/")) return key.includes("+") ? { kind: "unknown", key } : { kind: "legacy", fullPath: key };
  if (key.endsWith(UNSUBSCRIBE_SUFFIX)) {
    const replyKey = key.slice(0, -UNSUBSCRIBE_SUFFIX.length);
    return REPLY_KEY.test(replyKey) ? { kind: "unsubscribe", replyKey } : { kind: "unknown", key };
  }
  if (REPLY_KEY.test(key)) return { kind: "reply", replyKey: key };
  return { kind: "unknown", key };
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The template filled with a key. */
export const addressForKey = (template: string, key: string) => template.replace("%{key}", key);

/**
 * GitLab's address_regex: escape the configured address, replace %{key} with (.+), anchor, allow <>.
 * Returns the key, or null when the address is not one of ours.
 */
export const keyFromAddress = (template: string, address: string): string | null => {
  const [before, after] = template.split("%{key}");
  const re = new RegExp(`^<?${escapeRegExp(before)}(.+)${escapeRegExp(after)}>?$`);
  return re.exec(address.trim())?.[1] ?? null;
};

/** The References entry `reply-<key>@<host>` that finds the key when a client drops Reply-To. */
export const replyReferenceId = (host: string, replyKey: string) => `reply-${replyKey}@${host}`;

export const replyKeyFromReference = (host: string, id: string): string | null =>
  new RegExp(`^reply-(.+)@${escapeRegExp(host)}$`, "i").exec(id)?.[1] ?? null;

/** The unsubscribe page of a reply key (D4). */
export const unsubscribePath = (replyKey: string) => `/-/unsubscribe/${replyKey}`;

/**
 * Every reply key that one of our own writers put into a text — in a reply or unsubscribe address, a
 * reply reference or an unsubscribe link — replaced by `[redacted]` (issue 9.4).
 */
export const redactReplyKeys = (text: string) =>
  text
    .replace(new RegExp(`(/-/unsubscribe/)${REPLY_KEY_SOURCE}(?![0-9a-z])`, "gi"), "$1[redacted]")
    .replace(new RegExp(`\\+${REPLY_KEY_SOURCE}(${UNSUBSCRIBE_SUFFIX})?@`, "gi"), "+[redacted]$1@")
    .replace(new RegExp(`\\breply-${REPLY_KEY_SOURCE}@`, "gi"), "reply-[redacted]@");
