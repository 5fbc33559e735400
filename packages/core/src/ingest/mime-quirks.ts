// Issue 12.4: odd but real MIME, read the way a responder would want it.
// - A lone text part that the sender's client marked as an attachment (an invalid or bare
//   Content-Disposition, no file name) is the body, not `attachment.html`.
// - A message attached as message/rfc822 (Outlook's "forward as attachment") shows its text in the note,
//   with who sent it, when and its subject; its own attachments are extracted; the .eml stays attached.
// - winmail.dat (Outlook's TNEF) is kept as it came and flagged: the one TNEF library on npm (node-tnef)
//   writes its own log lines to the worker's stdout with no way to quiet them and brings a native install
//   script, so it is not used.
import type { Attachment, ParsedMail } from "mailparser";
import { bodyOf } from "./content.ts";

/** Attached messages are opened this deep (a forward of a forward of a forward), no deeper. */
export const MAX_ATTACHED_MESSAGE_DEPTH = 3;

const isTextBodyType = (type: string) => type === "text/html" || type === "text/plain";

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

/** A text or HTML part marked as an attachment but without a file name, in a message without a body. */
export const promoteBodyAttachment = (parsed: ParsedMail): ParsedMail => {
  const hasBody =
    (typeof parsed.text === "string" && parsed.text.trim()) || (typeof parsed.html === "string" && parsed.html.trim());
  if (hasBody) return parsed;
  const index = parsed.attachments.findIndex((a) => isTextBodyType(a.contentType) && !a.filename);
  if (index < 0) return parsed;
  const [part] = parsed.attachments.splice(index, 1);
  const text = decodeText(part.content, charsetOf(part));
  if (part.contentType === "text/html") parsed.html = text;
  else parsed.text = text;
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

/**
 * Opens attached messages (message/rfc822 attachments) with `parse`, to `depth`, and flags TNEF: the blocks
 * are appended to the body as text, the inner attachments join the message's.
 */
export const unfoldAttachments = async (
  parsed: ParsedMail,
  parse: (raw: Buffer, depth: number) => Promise<ParsedMail>,
  depth: number,
): Promise<ParsedMail> => {
  const blocks: string[] = [];
  const extra: Attachment[] = [];
  for (const a of parsed.attachments) {
    if (a.contentType === "message/rfc822" && depth < MAX_ATTACHED_MESSAGE_DEPTH) {
      try {
        const inner = await parse(a.content, depth + 1);
        const body = bodyOf(inner).trim();
        blocks.push([headerLine(inner), "", body || "_(no text)_"].join("\n"));
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
  const outer = bodyOf(parsed);
  parsed.text = [outer, ...blocks].filter((b) => b.trim()).join("\n\n---\n\n");
  parsed.attachments.push(...extra);
  return parsed;
};
