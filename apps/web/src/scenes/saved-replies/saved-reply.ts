// Issue 11.4 in the composer: the same placeholder list and renderer as the server's (one source: the
// pure module in packages/core, imported, not copied).
export {
  renderSavedReply,
  SAVED_REPLY_PLACEHOLDERS,
  type SavedReplyContext,
} from "../../../../../packages/core/src/saved-replies/render.ts";
