// C2/C3: which of our addresses a message was sent to, and what that address means. Pure.
import { keyFromAddress } from "../service-desk/addresses.ts";
import { addressesIn, headerValues, messageIdTokens, type RawHeaders } from "./headers.ts";

/** The configured wildcard addresses (each contains %{key}) and the host of our reply Message-IDs. */
export type RouteSettings = {
  incomingEmailAddress: string;
  serviceDeskEmailAddress: string | null;
  /** Host part of `reply-<key>@<host>` ids we put in References (GitLab: the instance host). */
  replyHost: string;
};

export type Mailbox = "incoming" | "service_desk";

export type KeyMatch = { mailbox: Mailbox; key: string; header: string; address: string };

/** GitLab's header order (gitlab-reference item 12). */
const ADDRESS_HEADERS_AFTER_REFERENCES = ["delivered-to", "x-delivered-to", "envelope-to", "x-envelope-to"] as const;
const ADDRESS_HEADERS_AFTER_RECEIVED = ["x-original-to", "x-forwarded-to", "cc"] as const;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const matchAddress = (settings: RouteSettings, header: string, address: string): KeyMatch | null => {
  const incoming = keyFromAddress(settings.incomingEmailAddress, address);
  if (incoming) return { mailbox: "incoming", key: incoming, header, address };
  if (settings.serviceDeskEmailAddress) {
    const alias = keyFromAddress(settings.serviceDeskEmailAddress, address);
    if (alias) return { mailbox: "service_desk", key: alias, header, address };
  }
  return null;
};

/** Every `for <…>` recipient of the Received headers, in header order. */
export const receivedRecipients = (headers: RawHeaders): string[] =>
  headerValues(headers, "received").flatMap((v) => [...v.matchAll(/for\s+<([^<>]+)>/gi)].map((m) => m[1].trim()));

/**
 * The first of our addresses found, in GitLab's order: To, References (`reply-<key>@<host>`, also
 * comma-joined), Delivered-To, X-Delivered-To, Envelope-To, X-Envelope-To, then the SMTP envelope
 * recipients of our own listener (what an MTA would have written into Delivered-To; they find Bcc'd
 * mail), Received (`for <…>`), X-Original-To, X-Forwarded-To, Cc. First match wins, so one message is
 * one item even when it was sent to several of our addresses (as GitLab).
 */
export const findMailKey = (
  headers: RawHeaders,
  settings: RouteSettings,
  envelopeTo: string[] = [],
): KeyMatch | null => {
  const scan = (header: string): KeyMatch | null => {
    for (const value of headerValues(headers, header)) {
      for (const address of addressesIn(value)) {
        const m = matchAddress(settings, header, address);
        if (m) return m;
      }
    }
    return null;
  };
  const to = scan("to");
  if (to) return to;
  const replyRe = new RegExp(`^reply-(.+)@${escapeRegExp(settings.replyHost)}$`, "i");
  for (const value of headerValues(headers, "references")) {
    for (const id of messageIdTokens(value)) {
      const m = replyRe.exec(id);
      if (m) return { mailbox: "incoming", key: m[1], header: "references", address: id };
    }
  }
  for (const h of ADDRESS_HEADERS_AFTER_REFERENCES) {
    const m = scan(h);
    if (m) return m;
  }
  for (const rcpt of envelopeTo) {
    const m = matchAddress(settings, "envelope", rcpt);
    if (m) return m;
  }
  for (const address of receivedRecipients(headers)) {
    const m = matchAddress(settings, "received", address);
    if (m) return m;
  }
  for (const h of ADDRESS_HEADERS_AFTER_RECEIVED) {
    const m = scan(h);
    if (m) return m;
  }
  return null;
};

/** What a key means (C2). Resolution against the database happens in the apply step. */
export type MailTarget =
  | { kind: "service_desk"; projectId: number; slug: string }
  | { kind: "service_desk_key"; slug: string; projectKey: string }
  | { kind: "legacy"; fullPath: string }
  | { kind: "reply"; replyKey: string }
  | { kind: "unsubscribe"; replyKey: string }
  | { kind: "unknown"; key: string };

const DEFAULT_KEY = /^(?<slug>.+)-(?<id>\d+)-issue-$/;
const ALIAS_KEY = /^(?<slug>.+)-(?<key>[a-z0-9_]+)$/;
/** Reply keys: 32 lowercase hex (GitLab's and ours), or GitLab 18's partitioned base36 form (item 14). */
const REPLY_KEY = /^(?:[a-f\d]{32}|[0-9a-z]{1,4}-[0-9a-z]{25}(?:-[0-9a-z]{1,13})?)$/;

export const targetOfKey = (match: Pick<KeyMatch, "mailbox" | "key">): MailTarget => {
  const { key } = match;
  const def = DEFAULT_KEY.exec(key);
  if (def?.groups) {
    const projectId = Number(def.groups.id);
    if (Number.isSafeInteger(projectId)) return { kind: "service_desk", projectId, slug: def.groups.slug };
  }
  if (match.mailbox === "service_desk") {
    const alias = ALIAS_KEY.exec(key);
    return alias?.groups
      ? { kind: "service_desk_key", slug: alias.groups.slug, projectKey: alias.groups.key }
      : { kind: "unknown", key };
  }
  // Legacy `incoming+group/project@`: contains "/" and no "+".
  if (key.includes("/")) return key.includes("+") ? { kind: "unknown", key } : { kind: "legacy", fullPath: key };
  if (key.endsWith("-unsubscribe")) {
    const replyKey = key.slice(0, -"-unsubscribe".length);
    return REPLY_KEY.test(replyKey) ? { kind: "unsubscribe", replyKey } : { kind: "unknown", key };
  }
  if (REPLY_KEY.test(key)) return { kind: "reply", replyKey: key };
  return { kind: "unknown", key };
};

/** Whether the address is one of our wildcard addresses at all (used by the SMTP listener). */
export const matchRecipient = (settings: RouteSettings, address: string): KeyMatch | null =>
  matchAddress(settings, "envelope", address);
