import path from "node:path";
import { type MailSettings, queuedEmailBodies } from "@tidings/core";
import type { SendMailOptions } from "nodemailer";
import type { ClaimedEmail } from "./outbox-store.ts";

/** Headers that nodemailer writes itself from dedicated options; the rest of `headers` go out as they are. */
const DEDICATED = new Set(["reply-to", "message-id", "in-reply-to", "references", "from", "to", "subject", "date"]);

// Printable ASCII that fits on one line goes out exactly as stored, unfolded (Outlook and Exchange are
// picky about folded list and threading headers); anything else is encoded by nodemailer (RFC 2047).
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const headerValue = (name: string, value: string) =>
  PRINTABLE_ASCII.test(value) && name.length + value.length < 900 ? { prepared: true, value } : value;

const bracket = (id: string) => `<${id.replace(/^<|>$/g, "")}>`;

/** Where an attachment's bytes are; refuses paths that would leave DATA_DIR. */
export const attachmentPath = (dataDir: string, storagePath: string) => {
  const root = path.resolve(dataDir);
  const full = path.resolve(root, storagePath);
  if (!full.startsWith(`${root}${path.sep}`)) throw new Error(`Attachment path ${storagePath} is outside DATA_DIR`);
  return full;
};

/**
 * The nodemailer message for an outbox row. Everything that identifies the email (Message-ID, Date,
 * threading headers) comes from the row, so every attempt sends byte-for-byte the same message
 * apart from the MIME boundaries. A customer email queued with what renders it is rendered here (issue
 * 14.3), the same way on every attempt (render-queued.ts).
 */
export const mailOptionsFor = (
  row: ClaimedEmail,
  opts: { emailFrom: string; dataDir: string; mail: MailSettings },
): SendMailOptions => {
  const body = queuedEmailBodies(opts.mail, row);
  const headers: Record<string, string | { prepared: boolean; value: string }> = {};
  let replyTo: string | undefined;
  for (const [name, value] of Object.entries(row.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === "reply-to") replyTo = value;
    else if (!DEDICATED.has(lower)) headers[name] = headerValue(name, value);
  }
  return {
    from: { name: row.fromName ?? "Tidings", address: opts.emailFrom },
    to: row.toAddress,
    replyTo,
    subject: row.subject,
    messageId: bracket(row.messageId),
    date: row.createdAt,
    inReplyTo: row.inReplyTo ? bracket(row.inReplyTo) : undefined,
    references: row.references.length > 0 ? row.references.map(bracket) : undefined,
    headers,
    text: body.text,
    html: body.html ?? undefined,
    attachments: row.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      path: attachmentPath(opts.dataDir, a.storagePath),
    })),
    // The envelope sender is the instance address, so bounces come back to us, never to a participant.
    envelope: { from: opts.emailFrom, to: [row.toAddress] },
  };
};
