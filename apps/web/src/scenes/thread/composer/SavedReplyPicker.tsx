import { useQuery } from "@apollo/client/react";
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { savedRepliesPath } from "../../../app/paths.ts";
import { errorMessage } from "../../../components/States.tsx";
import { SavedRepliesDocument } from "../../saved-replies/__generated__/saved-replies.ts";
import { renderSavedReply, type SavedReplyContext } from "../../saved-replies/saved-reply.ts";

/** Issue 11.4: search the saved replies and insert one, its placeholders filled for this ticket. */
export const SavedReplyPicker = ({
  context,
  onInsert,
  onClose,
}: {
  context: SavedReplyContext;
  onInsert: (text: string) => void;
  onClose: () => void;
}) => {
  const { data, loading, error } = useQuery(SavedRepliesDocument, { variables: { fullPath: context.projectPath } });
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => search.current?.focus(), []);
  const replies = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (data?.project?.savedReplies ?? []).filter(
      (r) => !q || r.name.toLowerCase().includes(q) || r.content.toLowerCase().includes(q),
    );
  }, [data, query]);
  const insert = (content: string) => onInsert(renderSavedReply(content, context));
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (replies.length) setActive((i) => (i + (e.key === "ArrowDown" ? 1 : replies.length - 1)) % replies.length);
    } else if (e.key === "Enter") {
      e.preventDefault();
      const pick = replies[Math.min(active, replies.length - 1)];
      if (pick) insert(pick.content);
    }
  };
  return (
    <section className="saved-reply-picker" aria-label="Saved replies" onKeyDown={onKeyDown}>
      <label htmlFor={`${id}-search`} className="visually-hidden">
        Search saved replies
      </label>
      <input
        ref={search}
        id={`${id}-search`}
        type="search"
        placeholder="Search saved replies…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
      />
      {loading ? <p className="muted">Loading…</p> : null}
      {error ? (
        <p className="field-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      {data && replies.length === 0 ? <p className="muted">No saved reply matches.</p> : null}
      <ul className="saved-reply-picker__list">
        {replies.map((r, i) => (
          <li key={r.id}>
            <button
              type="button"
              className={`saved-reply-picker__item${i === active ? " saved-reply-picker__item--active" : ""}`}
              onClick={() => insert(r.content)}
            >
              <strong>{r.name}</strong>
              <span className="muted"> {r.scope === "project" ? "· shared" : "· yours"}</span>
              <span className="saved-reply-picker__preview">{r.content.slice(0, 120)}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="saved-reply-picker__footer">
        <Link to={savedRepliesPath(context.projectPath)}>Manage saved replies</Link> ·{" "}
        <button type="button" className="btn btn--small btn--ghost" onClick={onClose}>
          Close
        </button>
      </p>
    </section>
  );
};
