// Issue 12.4: odd but real MIME, read the way a responder would want it.
// - A lone text part that the sender's client marked as an attachment (an invalid or bare
//   Content-Disposition, no file name) is the body, not `attachment.html`; so is a message that is one text
//   part, named or not. The HTML alternative of a text body, marked with an invalid disposition, is that
//   alternative, not a file.
// - A message attached as message/rfc822 (Outlook's "forward as attachment") shows its text in the note,
//   with who sent it, when and its subject; its own attachments are extracted; the .eml stays attached.
// - winmail.dat (Outlook's TNEF) is kept as it came and flagged: the one TNEF library on npm (node-tnef)
//   writes its own log lines to the worker's stdout with no way to quiet them, brings a native install
//   script, and runs out of memory on a 17-byte winmail.dat that declares a 2 GB attribute, so it is not used.
// These texts are kept apart from the message's own text (`ReadMail.appendix`): a reply's quoted history is
// trimmed from its own text only, and the attached messages follow what is left (decide.ts).
import type { Attachment, ParsedMail } from "mailparser";
import { bodyOf } from "./content.ts";

/** Attached messages are opened this deep (a forward of a forward of a forward), no deeper. */
export const MAX_ATTACHED_MESSAGE_DEPTH = 3;

/** A parsed message with the blocks that follow its own text: attached messages, the TNEF notice. */
export type ReadMail = ParsedMail & { appendix?: string[] };

/** Between the message's own text and each block after it (a Markdown rule). */
export const APPENDIX_SEPARATOR = "\n\n---\n\n";

/** The text, then each non-blank block, separated by rules. */
export const withAppendix = (text: string, blocks: readonly string[]): string =>
  [text, ...blocks].filter((b) => b.trim()).join(APPENDIX_SEPARATOR);

/** The blocks that follow a message's own text, as one string ("" when none). */
export const appendixOf = (parsed: ReadMail): string => withAppendix("", parsed.appendix ?? []);

/** A message's own text, then its appendix. */
export const fullBodyOf = (parsed: ReadMail): string => withAppendix(bodyOf(parsed), parsed.appendix ?? []);

const isTextBodyType = (type: string) => type === "text/html" || type === "text/plain";

/**
 * Whether reading a message needs an attachment's bytes (not only storing them): a body sent as an
 * attachment (promoteBodyAttachment) and an attached message (unfoldAttachments).
 */
export const readsContent = (contentType: string) => isTextBodyType(contentType) || contentType === "message/rfc822";

/** A disposition that is neither `inline` nor `attachment` (mailparser reads it as `attachment`). */
const hasInvalidDisposition = (a: Attachment) => !["inline", "attachment"].includes(a.contentDisposition ?? "");

const charsetOf = (a: Attachment) => {
  const header = a.headers.get("content-type") as { params?: { charset?: string } } | undefined;
  return header?.params?.charset ?? "utf-8";
};

const decodeText = (bytes: Buffer, charset: string) => {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
};

const nonBlank = (s: string | false | undefined) => typeof s === "string" && s.trim() !== "";

/** The top-level Content-Type is a text type: the message is that one part. */
const isSingleTextPart = (parsed: ParsedMail) => {
  const header = parsed.headers.get("content-type") as { value?: string } | undefined;
  return isTextBodyType(header?.value?.toLowerCase() ?? "text/plain");
};

const fillSlot = (parsed: ParsedMail, part: Attachment) => {
  const text = decodeText(part.content, charsetOf(part));
  if (part.contentType === "text/html") parsed.html = text;
  else parsed.text = text;
};

/**
 * Text parts that are the body although mailparser made them attachments:
 * - in a message without a body, the first text or HTML part without a file name (an invalid or bare
 *   Content-Disposition); a message that is one text part is its body even when named (the file stays too);
 * - beside a body, an unnamed text part with an invalid disposition whose kind the body lacks (the HTML
 *   alternative of a text body): it is that alternative, not a file.
 * A named HTML file sent with a body stays an attachment.
 */
export const promoteBodyAttachment = (parsed: ParsedMail): ParsedMail => {
  const hasText = nonBlank(parsed.text);
  const hasHtml = nonBlank(parsed.html);
  if (!hasText && !hasHtml) {
    const single = isSingleTextPart(parsed) && parsed.attachments.length === 1;
    const index = parsed.attachments.findIndex((a) => isTextBodyType(a.contentType) && (!a.filename || single));
    if (index < 0) return parsed;
    const part = parsed.attachments[index];
    fillSlot(parsed, part);
    if (!part.filename) parsed.attachments.splice(index, 1);
    return parsed;
  }
  const index = parsed.attachments.findIndex(
    (a) =>
      !a.filename &&
      hasInvalidDisposition(a) &&
      ((a.contentType === "text/html" && !hasHtml) || (a.contentType === "text/plain" && !hasText)),
  );
  if (index >= 0) fillSlot(parsed, parsed.attachments.splice(index, 1)[0]);
  return parsed;
};

const isTnef = (a: Attachment) =>
  a.contentType === "application/ms-tnef" ||
  a.contentType === "application/vnd.ms-tnef" ||
  /^winmail\.dat$/i.test(a.filename ?? "");

export const TNEF_NOTICE =
  "_An Outlook winmail.dat (TNEF) attachment came with this email. Tidings keeps it as it came but does not unpack it: open it with a TNEF viewer, or ask the sender to send as plain text or HTML._";

const headerLine = (inner: ParsedMail) => {
  const sender = inner.from?.value[0];
  const from = sender?.address
    ? sender.name
      ? `${sender.name} <${sender.address}>`
      : sender.address
    : "an unknown sender";
  const date = inner.date ? inner.date.toUTCString() : null;
  const subject = inner.subject ? `“${inner.subject}”` : "(no subject)";
  return `**Attached message** ${subject} from ${from}${date ? `, ${date}` : ""}:`;
};

/** An attached message without a file name is stored under its subject (slashes and length tamed), as `.eml`. */
export const emlName = (subject: string | undefined) =>
  `${subject?.replace(/[\\/]/g, "-").replace(/\s+/g, " ").trim().slice(0, 100).trim() || "Attached message"}.eml`;

/**
 * Opens attached messages (message/rfc822 attachments) with `parse`, to `depth`, and flags TNEF: the blocks
 * go to the message's appendix (its own attached messages first), the inner attachments join the message's.
 */
export const unfoldAttachments = async (
  parsed: ReadMail,
  parse: (raw: Buffer, depth: number) => Promise<ReadMail>,
  depth: number,
): Promise<ReadMail> => {
  const blocks: string[] = [];
  const extra: Attachment[] = [];
  for (const a of parsed.attachments) {
    if (a.contentType === "message/rfc822") {
      if (depth >= MAX_ATTACHED_MESSAGE_DEPTH) {
        blocks.push(
          `**Attached message** ${a.filename ?? "(unnamed)"} is nested more than ${MAX_ATTACHED_MESSAGE_DEPTH} messages deep; it is kept as an attachment.`,
        );
        continue;
      }
      try {
        const inner = await parse(a.content, depth + 1);
        a.filename ||= emlName(inner.subject);
        blocks.push([headerLine(inner), "", fullBodyOf(inner).trim() || "_(no text)_"].join("\n"));
        extra.push(...inner.attachments);
      } catch {
        blocks.push(
          `**Attached message** ${a.filename ?? "(unnamed)"} could not be read; it is kept as an attachment.`,
        );
      }
    } else if (isTnef(a)) {
      blocks.push(TNEF_NOTICE);
    }
  }
  if (blocks.length === 0) return parsed;
  parsed.appendix = [...(parsed.appendix ?? []), ...blocks];
  parsed.attachments.push(...extra);
  return parsed;
};
