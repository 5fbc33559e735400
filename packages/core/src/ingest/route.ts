// C2/C3: which of our addresses a message was sent to, and what that address means. Pure.
import {
  decodeKey,
  keyFromAddress,
  type Mailbox,
  type MailTarget,
  replyKeyFromReference,
} from "../service-desk/mail-key-codec.ts";
import { addressesIn, headerValues, messageIdTokens, type RawHeaders } from "./headers.ts";

/** The configured wildcard addresses (each contains %{key}) and the host of our reply Message-IDs. */
export type RouteSettings = {
  incomingEmailAddress: string;
  serviceDeskEmailAddress: string | null;
  /** Host part of `reply-<key>@<host>` ids we put in References (GitLab: the instance host). */
  replyHost: string;
};

export type { Mailbox } from "../service-desk/mail-key-codec.ts";

export type KeyMatch = { mailbox: Mailbox; key: string; header: string; address: string };

/** GitLab's header order (gitlab-reference item 12). */
const ADDRESS_HEADERS_AFTER_REFERENCES = ["delivered-to", "x-delivered-to", "envelope-to", "x-envelope-to"] as const;
const ADDRESS_HEADERS_AFTER_RECEIVED = ["x-original-to", "x-forwarded-to", "cc"] as const;

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
  for (const value of headerValues(headers, "references")) {
    for (const id of messageIdTokens(value)) {
      const key = replyKeyFromReference(settings.replyHost, id);
      if (key) return { mailbox: "incoming", key, header: "references", address: id };
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

export type { MailTarget } from "../service-desk/mail-key-codec.ts";

/** What a key means (C2): the codec's decoding, for the mailbox it was found in. */
export const targetOfKey = (match: Pick<KeyMatch, "mailbox" | "key">): MailTarget =>
  decodeKey(match.mailbox, match.key);

/** Whether the address is one of our wildcard addresses at all (used by the SMTP listener). */
export const matchRecipient = (settings: RouteSettings, address: string): KeyMatch | null =>
  matchAddress(settings, "envelope", address);
