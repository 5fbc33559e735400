// GitLab caps descriptions and notes at 1,000,000 characters; a 5 MB email body stored whole froze the
// responder's tab. Mail is never refused for it: the stored text is cut at the cap with a line saying so,
// and the whole text is kept as an attachment of the issue or note (issue 9.9).
import { MAX_NOTE_LENGTH } from "../notes/create-note.ts";
import type { Ctx } from "./apply-context.ts";
import { storeAttachments } from "./store-attachments.ts";

export const MAX_TEXT_LENGTH = MAX_NOTE_LENGTH;

export type CappedText = { text: string; attachmentIds: number[] };

export const capLength = async (ctx: Ctx, projectId: number, text: string): Promise<CappedText> => {
  if (text.length <= MAX_TEXT_LENGTH) return { text, attachmentIds: [] };
  const { stored } = await storeAttachments(ctx.db, {
    dataDir: ctx.settings.dataDir,
    // Our own file, bounded by the message size limit rather than the attachment limit.
    maxAttachmentBytes: Math.max(ctx.settings.maxAttachmentBytes, ctx.settings.maxEmailBytes * 4),
    projectId,
    inboundEmailId: ctx.row.id,
    attachments: [
      { filename: "full-message.md", contentType: "text/markdown", content: Buffer.from(text), contentId: null },
    ],
  });
  const link = stored[0]?.markdown ?? "(the full text could not be stored)";
  const notice = `\n\n---\n\n_This message is longer than ${MAX_TEXT_LENGTH.toLocaleString("en")} characters and is cut here; the full text is attached: ${link}_`;
  let cut = text.slice(0, MAX_TEXT_LENGTH - notice.length);
  // Never leave half of a surrogate pair at the cut.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return { text: cut + notice, attachmentIds: stored.map((s) => s.id) };
};
