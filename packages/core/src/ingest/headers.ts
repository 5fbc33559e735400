// A small, allocation-light reader of the raw header block. Routing (C2/C3), the idempotency key (C8) and
// the auto-generated check (C4) need the header values exactly as sent (every Delivered-To, every
// Received, the raw References), which the parsed mailparser object does not always keep.

import { sanitiseText } from "./sanitise.ts";

/** Lower-cased header name → every value in order, unfolded, still encoded. */
export type RawHeaders = Map<string, string[]>;

const headerEnd = (raw: Buffer): number => {
  // The header block ends at the first empty line (CRLF CRLF or LF LF). A file may start with an empty
  // line (two GitLab fixtures do); mailparser skips it, and so do we.
  let start = 0;
  while (start < raw.length && (raw[start] === 0x0d || raw[start] === 0x0a)) start++;
  for (let i = start; i < raw.length; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return i;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i;
  }
  return raw.length;
};

/** Where the body starts: after the empty line that ends the header block (raw.length when there is none). */
export const bodyStart = (raw: Buffer): number => {
  const end = headerEnd(raw);
  if (end >= raw.length) return raw.length;
  return raw[end + 1] === 0x0d ? end + 3 : end + 2;
};

/** Reads the header block (at most the first 256 KB); never throws. */
export const readHeaders = (raw: Buffer): RawHeaders => {
  const end = Math.min(headerEnd(raw), 256 * 1024);
  // latin1 keeps every byte as one char: 8-bit junk in a header cannot make decoding throw.
  const text = raw.subarray(0, end).toString("latin1");
  const headers: RawHeaders = new Map();
  let current: { name: string; value: string } | null = null;
  const flush = () => {
    if (!current) return;
    const list = headers.get(current.name) ?? [];
    // Text derived from the raw bytes never carries NUL into a text column (issue 15.2).
    list.push(sanitiseText(current.value.trim()));
    headers.set(current.name, list);
    current = null;
  };
  for (const line of text.replace(/^[\r\n]+/, "").split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (current) (current as { value: string }).value += ` ${line.trim()}`;
      continue;
    }
    flush();
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    current = { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) };
  }
  flush();
  return headers;
};

export const headerValues = (headers: RawHeaders, name: string): string[] => headers.get(name.toLowerCase()) ?? [];
export const headerValue = (headers: RawHeaders, name: string): string | null => headerValues(headers, name)[0] ?? null;

/** The ids inside <…> tokens, as GitLab's `(?!<)[^<>]+(?=>)` scan; works for space- and comma-joined lists. */
export const messageIdTokens = (value: string | null | undefined): string[] => {
  if (!value) return [];
  const ids = [...value.matchAll(/<([^<>]+)>/g)].map((m) => m[1].trim()).filter(Boolean);
  if (ids.length > 0) return ids;
  // A bare id without brackets (seen from broken clients).
  const bare = value.trim().replace(/^"|"$/g, "");
  return bare && !/\s/.test(bare) ? [bare] : [];
};

/** The Message-ID without <>, or null when missing/blank. */
export const normaliseMessageId = (value: string | null | undefined): string | null => {
  const [id] = messageIdTokens(value);
  return id ? id.slice(0, 998) : null;
};

/**
 * Addresses in an address-list header value (To, Cc, Delivered-To…): the part inside <…> when present,
 * else each comma-separated bare address. Display names (even quoted ones with commas) are skipped.
 */
export const addressesIn = (value: string): string[] => {
  const out: string[] = [];
  // Remove quoted display names first so a comma inside quotes does not split an address.
  const unquoted = value.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const part of unquoted.split(",")) {
    const angle = /<([^<>]*)>/.exec(part);
    const addr = (angle ? angle[1] : part).trim().replace(/^mailto:/i, "");
    if (addr.includes("@") && !/\s/.test(addr)) out.push(addr);
  }
  return out;
};
