// Issue 15.2: text derived from a message reaches PostgreSQL `text` columns, which refuse U+0000, and
// JSON/UTF-8 encoders, which mangle lone surrogates. The raw bytes stay as they came (bytea); every
// string derived from them goes through here. Pure and linear.
import type { AddressObject, ParsedMail } from "mailparser";
import type { MailContent } from "./decide.ts";

// NUL, and UTF-16 halves without their partner (a lone surrogate is not a code point).
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this removes.
const INVALID = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string without NUL (removed) and lone surrogates (U+FFFD). */
export const sanitiseText = (s: string): string => s.replace(INVALID, (m) => (m === "\u0000" ? "" : "\uFFFD"));

export const sanitiseNullable = <T extends string | null | undefined>(s: T): T =>
  (typeof s === "string" ? sanitiseText(s) : s) as T;

const sanitiseAddressObject = (a: AddressObject): AddressObject => ({
  ...a,
  text: sanitiseText(a.text ?? ""),
  html: sanitiseText(a.html ?? ""),
  value: a.value.map(function clean(v): AddressObject["value"][number] {
    return {
      ...v,
      name: sanitiseText(v.name ?? ""),
      address: sanitiseNullable(v.address),
      group: v.group?.map(clean),
    };
  }),
});

const sanitiseAddresses = <T extends AddressObject | AddressObject[] | undefined>(a: T): T =>
  (Array.isArray(a) ? a.map(sanitiseAddressObject) : a ? sanitiseAddressObject(a) : a) as T;

/** Every string of a parsed message that may end up in a column, cleaned in place and returned. */
export const sanitiseParsed = (parsed: ParsedMail): ParsedMail => {
  parsed.subject = sanitiseNullable(parsed.subject);
  parsed.text = sanitiseNullable(parsed.text);
  if (typeof parsed.html === "string") parsed.html = sanitiseText(parsed.html);
  parsed.messageId = sanitiseNullable(parsed.messageId);
  parsed.inReplyTo = sanitiseNullable(parsed.inReplyTo);
  if (typeof parsed.references === "string") parsed.references = sanitiseText(parsed.references);
  else if (Array.isArray(parsed.references)) parsed.references = parsed.references.map(sanitiseText);
  parsed.from = sanitiseAddresses(parsed.from);
  parsed.to = sanitiseAddresses(parsed.to);
  parsed.cc = sanitiseAddresses(parsed.cc);
  parsed.bcc = sanitiseAddresses(parsed.bcc);
  parsed.replyTo = sanitiseAddresses(parsed.replyTo);
  for (const [name, value] of parsed.headers) {
    if (typeof value === "string") parsed.headers.set(name, sanitiseText(value));
    else if (value && typeof value === "object" && "value" in value && Array.isArray(value.value)) {
      parsed.headers.set(name, sanitiseAddressObject(value as AddressObject));
    }
  }
  for (const a of parsed.attachments) {
    a.filename = sanitiseNullable(a.filename);
    // mailparser gives `false` for a part whose Content-Type header is empty (found by `npm run fuzz`).
    a.contentType =
      typeof a.contentType === "string" && a.contentType ? sanitiseText(a.contentType) : "application/octet-stream";
    a.contentId = sanitiseNullable(a.contentId);
  }
  return parsed;
};

/**
 * The decided content, every string cleaned: the one gate before apply, since some text is derived from the
 * raw bytes after parsing (a mislabelled charset re-decoded, a body without parts read raw).
 */
export const sanitiseContent = (c: MailContent): MailContent => ({
  requester: sanitiseNullable(c.requester),
  requesterName: sanitiseNullable(c.requesterName),
  from: sanitiseNullable(c.from),
  subject: sanitiseNullable(c.subject),
  body: sanitiseText(c.body),
  ...(c.appendix ? { appendix: sanitiseText(c.appendix) } : {}),
  cc: c.cc.map(sanitiseText),
  threadIds: c.threadIds.map(sanitiseText),
  attachments: c.attachments.map((a) => ({
    ...a,
    filename: sanitiseNullable(a.filename),
    contentType: sanitiseText(a.contentType),
    contentId: sanitiseNullable(a.contentId),
  })),
});
