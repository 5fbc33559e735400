// Issue 14.3: customer emails are rendered by the outbox runner when it sends them, not in the transaction
// that queues them (for ingest: the batch's transaction, in the processing thread). The row stores what
// renders it (`render`: the template and its values as they were when queued); this is the one renderer
// of such a row, for the runner and for whoever reads a queued email's text.
import type { OutboundRender } from "@tidings/db";
import type { MailSettings } from "./mail-settings.ts";
import { type RenderEmailOptions, renderEmail } from "./render-email.ts";
import { signUploadUrl } from "./signed-links.ts";
import { knownPlaceholders, type TemplatePlaceholder, type TemplateValues } from "./templates.ts";

/**
 * Links in customer emails are absolute, and links to uploads signed so they open without an account;
 * a signed link's lifetime counts from `signedAt`.
 */
export const customerRenderOptions = (mail: MailSettings, subject: string, signedAt: number): RenderEmailOptions => {
  const signing = mail.uploadLinks;
  return {
    subject,
    baseUrl: mail.publicUrl,
    signLink: signing ? (url) => signUploadUrl(url, mail.publicUrl, signing, signedAt) : undefined,
  };
};

/**
 * What a customer email is rendered from, to store on its outbox row: the template and the values of the
 * placeholders it uses (rendering reads no other). A thank-you whose template does not show the
 * description stores none of it: the default one stored ~4 KB per email that nothing ever read (issue 14).
 */
export const renderLater = (
  template: string,
  values: TemplateValues,
  subject: string,
  noteAuthor?: string | null,
): OutboundRender => {
  const used = knownPlaceholders(template);
  const kept = Object.fromEntries(Object.entries(values).filter(([name]) => used.has(name as TemplatePlaceholder)));
  return { template, values: kept, subject, ...(noteAuthor ? { noteAuthor } : {}) };
};

export type QueuedBodies = { text: string; html: string | null };

/**
 * A queued email's bodies: as stored, or rendered from its `render`. Every attempt renders the same bytes:
 * links are signed as of the moment the email was queued (`createdAt`), as they were when the bodies were
 * rendered in the queuing transaction.
 */
export const queuedEmailBodies = (
  mail: MailSettings,
  row: { textBody: string | null; htmlBody: string | null; render: OutboundRender | null; createdAt: Date },
): QueuedBodies => {
  if (row.textBody !== null) return { text: row.textBody, html: row.htmlBody };
  if (!row.render) throw new Error("The email has neither a body nor what renders it.");
  const { template, values, subject, noteAuthor } = row.render;
  return renderEmail(template, values as TemplateValues, {
    ...customerRenderOptions(mail, subject, row.createdAt.getTime()),
    noteAuthor,
  });
};

/** An outbox row with the bodies it is sent with (rendered, when it was queued with what renders it). */
export const withQueuedBodies = <
  R extends { textBody: string | null; htmlBody: string | null; render: OutboundRender | null; createdAt: Date },
>(
  mail: MailSettings,
  row: R,
): R & { textBody: string } => {
  const { text, html } = queuedEmailBodies(mail, row);
  return { ...row, textBody: text, htmlBody: html };
};
