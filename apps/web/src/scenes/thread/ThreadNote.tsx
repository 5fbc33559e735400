import { useMutation } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { InternalBadge } from "../../components/Badges.tsx";
import { errorMessage } from "../../components/States.tsx";
import { Markdown } from "../../components/Markdown.tsx";
import { Time } from "../../components/time.tsx";
import { InboundMessageMoveDocument, type ThreadNote_NoteFragment } from "../../graphql/__generated__/graphql.ts";

export const noteAuthor = (note: { author: { username: string } | null; externalAuthor?: string | null }) =>
  note.externalAuthor ? note.externalAuthor : note.author ? `@${note.author.username}` : "a deleted user";

/** Issue 12.6: why an email landed here, one click away. */
export const WhyHere = ({ explanation, senderChecks }: { explanation: string; senderChecks?: string | null }) => (
  <details className="why-here">
    <summary>Why is this here?</summary>
    <p className="why-here__text">{explanation}</p>
    {senderChecks ? <p className="why-here__text">Sender checks: {senderChecks}</p> : null}
  </details>
);

/** Issue 12.6: move a mis-threaded email to another issue, or split it into a new one. */
const MoveEmail = ({ noteId, onMoved }: { noteId: string; onMoved: (iid: string) => void }) => {
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState("");
  const [errors, setErrors] = useState<string[]>([]);
  const [move, { loading }] = useMutation(InboundMessageMoveDocument);
  const run = async (input: { targetIid?: string; newIssue?: boolean }) => {
    try {
      const r = await move({ variables: { input: { noteId, ...input } } });
      const payload = r.data?.inboundMessageMove;
      setErrors(payload?.errors ?? []);
      if (payload?.issue && payload.errors.length === 0) onMoved(payload.issue.iid);
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };
  if (!open) {
    return (
      <button type="button" className="btn btn--small btn--ghost" onClick={() => setOpen(true)}>
        Move this email…
      </button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run({ targetIid: target });
  };
  return (
    <form className="move-email" onSubmit={submit}>
      <label htmlFor={`move-${noteId}`}>Move to issue #</label>
      <input
        id={`move-${noteId}`}
        inputMode="numeric"
        value={target}
        onChange={(e) => setTarget(e.target.value)}
        aria-describedby={errors.length ? `move-${noteId}-error` : undefined}
      />
      <button type="submit" className="btn btn--small" disabled={loading || !target.trim()}>
        Move
      </button>
      <button type="button" className="btn btn--small" disabled={loading} onClick={() => void run({ newIssue: true })}>
        Split into a new issue
      </button>
      <button type="button" className="btn btn--small btn--ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {errors.length ? (
        <p id={`move-${noteId}-error`} className="field-error" role="alert">
          {errors.join(" ")}
        </p>
      ) : null}
    </form>
  );
};

export const ThreadNote = ({
  note,
  canMove = false,
  onMoved = () => {},
}: {
  note: ThreadNote_NoteFragment;
  canMove?: boolean;
  /** The email now lives in issue `iid` (the page says so: this note leaves the list). */
  onMoved?: (iid: string) => void;
}) => {
  if (note.system) {
    return (
      <li className="note note--system" data-note-id={note.id}>
        <span className="note__dot" aria-hidden="true" />
        <div className="note__system-body">
          <span className="note__author">{noteAuthor(note)}</span> <Markdown source={note.body} className="inline" />{" "}
          <span className="muted">
            <Time iso={note.createdAt} />
          </span>
        </div>
      </li>
    );
  }
  return (
    <li className={`note${note.internal ? " note--internal" : ""}`} data-note-id={note.id}>
      <article aria-label={`${note.internal ? "Internal note" : "Comment"} by ${noteAuthor(note)}`}>
        <header className="note__header">
          <span className="note__author">{noteAuthor(note)}</span>
          {note.externalAuthor ? <span className="badge badge--email">via email</span> : null}
          {note.internal ? <InternalBadge /> : null}
          <span className="muted">
            <Time iso={note.createdAt} />
          </span>
        </header>
        <Markdown source={note.body} />
        {note.routing ? (
          <footer className="note__routing">
            <WhyHere explanation={note.routing.explanation} senderChecks={note.routing.senderChecks} />
            {canMove ? <MoveEmail noteId={note.id} onMoved={onMoved} /> : null}
          </footer>
        ) : null}
      </article>
    </li>
  );
};
