/** GitLab-style global ids: gid://tidings/<Type>/<id>. */
export type GidType =
  | "Project"
  | "Issue"
  | "Note"
  | "Notification"
  | "Label"
  | "User"
  | "InboundEmail"
  | "Upload"
  | "SavedReply"
  | "SavedView"
  | "PersonalAccessToken";

export const toGid = (type: GidType, id: number) => `gid://tidings/${type}/${id}`;

/** The numeric id of a global id of the given type, or null for anything else. */
export const fromGid = (type: GidType, gid: string): number | null => {
  const m = /^gid:\/\/tidings\/([A-Za-z]+)\/(\d{1,10})$/.exec(gid.trim());
  if (!m || m[1] !== type) return null;
  const id = Number(m[2]);
  return Number.isSafeInteger(id) && id <= 2_147_483_647 ? id : null;
};

/** The answer to an input that should name a note and does not. */
export const NOT_A_NOTE_ID = (input: string) => `${input} is not a note id.`;
