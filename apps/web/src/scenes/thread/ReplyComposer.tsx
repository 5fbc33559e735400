import { useMutation } from "@apollo/client/react";
import { type FormEvent, useId, useState } from "react";
import { Markdown } from "../../components/Markdown.tsx";
import { errorMessage } from "../../components/States.tsx";
import { CreateNoteDocument, type ThreadNote_NoteFragment } from "../../graphql/__generated__/graphql.ts";

/** Write/Preview, "Make this an internal note", "Comment". Public comments are emailed to participants. */
export const ReplyComposer = ({
  issueId,
  canCreateInternal,
  onCreated,
}: {
  issueId: string;
  canCreateInternal: boolean;
  onCreated: (note: ThreadNote_NoteFragment) => void;
}) => {
  const [body, setBody] = useState("");
  const [internal, setInternal] = useState(false);
  const [mode, setMode] = useState<"write" | "preview">("write");
  const [errors, setErrors] = useState<string[]>([]);
  const [createNote, { loading }] = useMutation(CreateNoteDocument);
  const hintId = useId();

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) {
      setErrors(["Write a comment first."]);
      return;
    }
    try {
      const result = await createNote({ variables: { input: { noteableId: issueId, body, internal } } });
      const payload = result.data?.createNote;
      if (payload?.errors.length) {
        setErrors(payload.errors);
        return;
      }
      if (payload?.note) onCreated(payload.note);
      setBody("");
      setInternal(false);
      setMode("write");
      setErrors([]);
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };

  return (
    <form
      className={`composer${internal ? " composer--internal" : ""}`}
      onSubmit={handleSubmit}
      aria-label="Add a comment"
    >
      <div className="composer__tabs">
        <button
          type="button"
          className="composer__tab"
          aria-pressed={mode === "write"}
          onClick={() => setMode("write")}
        >
          Write
        </button>
        <button
          type="button"
          className="composer__tab"
          aria-pressed={mode === "preview"}
          onClick={() => setMode("preview")}
        >
          Preview
        </button>
      </div>
      {mode === "write" ? (
        <>
          <label htmlFor="note-body" className="visually-hidden">
            Write a comment
          </label>
          <textarea
            id="note-body"
            className="composer__input"
            rows={5}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
            placeholder="Write a comment (Markdown)…"
            aria-describedby={hintId}
          />
        </>
      ) : (
        <section className="composer__preview" aria-label="Preview">
          <Markdown source={body || "Nothing to preview."} />
        </section>
      )}
      {errors.length ? (
        <ul className="alert alert--error" role="alert">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      <div className="composer__footer">
        {canCreateInternal ? (
          <label className="checkbox">
            <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} />
            Make this an internal note
          </label>
        ) : null}
        <span id={hintId} className="muted composer__hint">
          {internal
            ? "Internal notes are visible to project members only and are never emailed."
            : "Comments are emailed to the issue's external participants."}
        </span>
        <button type="submit" className="btn btn--primary" disabled={loading}>
          {loading ? "Saving…" : "Comment"}
        </button>
      </div>
    </form>
  );
};
