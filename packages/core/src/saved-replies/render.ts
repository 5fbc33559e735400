// Issue 11.4: a saved reply's placeholders, filled when it is inserted into the composer. Pure: the
// composer imports this file (one source for the placeholder list and how each is filled).
import { issueRefValues, PLACEHOLDER } from "../notifications/templates.ts";

/** The placeholders a saved reply may use (GitLab's Service Desk ones that make sense in a reply, plus the name). */
export const SAVED_REPLY_PLACEHOLDERS = ["ISSUE_ID", "ISSUE_PATH", "REQUESTER_NAME"] as const;

export type SavedReplyContext = {
  projectPath: string;
  issueIid: number;
  /** The requester's display name from their email, if any. */
  requesterName: string | null;
  /** The requester's address, if the viewer may see it (the local part stands in for a missing name). */
  requesterAddress: string | null;
};

/** The first name-like part: "Ada Lovelace" → "Ada Lovelace"; "ada.lovelace@x" → "ada.lovelace". */
const nameOf = (ctx: SavedReplyContext) => ctx.requesterName?.trim() || ctx.requesterAddress?.split("@")[0] || "";

/** Fills the known placeholders; an unknown one stays as written, so a typo is visible before sending. */
export const renderSavedReply = (content: string, ctx: SavedReplyContext): string => {
  const values: Record<string, string> = {
    ...issueRefValues(ctx.projectPath, ctx.issueIid),
    REQUESTER_NAME: nameOf(ctx),
  };
  return content.replace(PLACEHOLDER, (whole, name: string) =>
    (SAVED_REPLY_PLACEHOLDERS as readonly string[]).includes(name) ? values[name] : whole,
  );
};
