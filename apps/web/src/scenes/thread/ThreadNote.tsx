import { useMutation } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../components/States.tsx";
import { Markdown } from "../../components/Markdown.tsx";
import { PdfPreviews } from "../../components/PdfPreview.tsx";
import { Time } from "../../components/time.tsx";
import {
  DestroyNoteDocument,
  InboundMessageMoveDocument,
  type ThreadEnvelope_EnvelopeFragment,
  type ThreadNote_NoteFragment,
  UpdateNoteDocument,
} from "./__generated__/thread.ts";

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

/** Issue 11.7: who sent a customer's message, to whom, and its original. */
export const Envelope = ({ email }: { email: ThreadEnvelope_EnvelopeFragment }) => (
  <dl className="envelope">
    <div>
      <dt>From</dt>
      <dd>{email.fromName ? `${email.fromName} <${email.from}>` : email.from}</dd>
    </div>
    {email.to.length ? (
      <div>
        <dt>To</dt>
        <dd>{email.to.join(", ")}</dd>
      </div>
    ) : null}
    {email.cc.length ? (
      <div>
        <dt>Cc</dt>
        <dd>{email.cc.join(", ")}</dd>
      </div>
    ) : null}
    <div>
      <dt className="visually-hidden">Original</dt>
      <dd>
        <a href={email.rawUrl} target="_blank" rel="noreferrer">
          View original email
        </a>
      </dd>
    </div>
  </dl>
);

const DELIVERY_WORDS: Record<string, string> = {
  queued: "queued",
  sending: "sending",
  sent: "sent",
  failed: "failed",
};

/** Issue 11.7: each recipient of a public reply, and what became of the email. */
const Deliveries = ({ deliveries }: { deliveries: ThreadNote_NoteFragment["deliveries"] }) =>
  deliveries.length ? (
    <ul className="deliveries" aria-label="Email delivery">
      {deliveries.map((d) => (
        <li key={`${d.to}-${d.status}`} className={`delivery delivery--${d.status}`}>
          Emailed to {d.to}: <strong>{DELIVERY_WORDS[d.status] ?? d.status}</strong>
          {d.status === "sent" && d.serverResponse ? (
            <span className="muted"> — server said “{d.serverResponse}”</span>
          ) : null}
          {d.status !== "sent" && d.error ? <span> — {d.error}</span> : null}
        </li>
      ))}
    </ul>
  ) : null;

/** Issue 11.6: earlier versions of an edited or deleted note. */
const History = ({ note }: { note: ThreadNote_NoteFragment }) =>
  note.versions.length ? (
    <details className="note__history">
      <summary>History ({note.versions.length})</summary>
      <ol>
        {note.versions.map((v) => (
          <li key={`${v.changedAt}-${v.action}`}>
            <span className="muted">
              {v.action === "deleted" ? "Deleted" : "Edited"} by @{v.changedBy?.username ?? "someone"}{" "}
              <Time iso={v.changedAt} />. Before:
            </span>
            <Markdown source={v.body} />
          </li>
        ))}
      </ol>
    </details>
  ) : null;

/** Issue 11.6: edit or delete (author, or Maintainer+); an emailed note is not sent again, and we say so. */
const NoteActions = ({ note, onEdit }: { note: ThreadNote_NoteFragment; onEdit: () => void }) => {
  const [destroy, { loading }] = useMutation(DestroyNoteDocument);
  const [message, setMessage] = useState<string | null>(null);
  const remove = async () => {
    const warning = note.deliveries.length
      ? "Delete this reply? The customer already received it by email; deleting removes it here only."
      : "Delete this note? Its text stays in the history.";
    if (!window.confirm(warning)) return;
    try {
      const r = await destroy({ variables: { input: { id: note.id } } });
      setMessage(r.data?.destroyNote.errors.join(" ") || null);
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };
  return (
    <span className="note__actions">
      <button type="button" className="btn btn--small btn--ghost" onClick={onEdit}>
        Edit
      </button>
      <button type="button" className="btn btn--small btn--ghost" disabled={loading} onClick={() => void remove()}>
        Delete
      </button>
      {message ? (
        <span className="field-error" role="alert">
          {message}
        </span>
      ) : null}
    </span>
  );
};

const NoteEditor = ({ note, onDone }: { note: ThreadNote_NoteFragment; onDone: (message: string | null) => void }) => {
  const [body, setBody] = useState(note.body);
  const [errors, setErrors] = useState<string[]>([]);
  const [update, { loading }] = useMutation(UpdateNoteDocument);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await update({ variables: { input: { id: note.id, body } } });
      const payload = r.data?.updateNote;
      if (payload?.errors.length) return setErrors(payload.errors);
      onDone(
        payload?.alreadyEmailed
          ? "Saved. The customer already received the first version by email: this edit is not sent."
          : null,
      );
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };
  return (
    <form className="note__editor" onSubmit={save}>
      <label htmlFor={`edit-${note.id}`} className="visually-hidden">
        Edit note
      </label>
      <textarea
        id={`edit-${note.id}`}
        className="composer__input"
        rows={4}
        value={body}
        onChange={(e) => setBody(e.target.value)}
      />
      {note.deliveries.length ? (
        <p className="muted">This reply was emailed; saving changes it here only, nothing is sent again.</p>
      ) : null}
      {errors.length ? (
        <p className="field-error" role="alert">
          {errors.join(" ")}
        </p>
      ) : null}
      <button type="submit" className="btn btn--small btn--primary" disabled={loading}>
        Save
      </button>{" "}
      <button type="button" className="btn btn--small btn--ghost" onClick={() => onDone(null)}>
        Cancel
      </button>
    </form>
  );
};

/** What kind of message this is, in words and colour: the customer, the team to the customer, the team only. */
const kindOf = (note: ThreadNote_NoteFragment) =>
  note.externalAuthor ? "customer" : note.internal ? "internal" : note.deliveries.length ? "reply" : "comment";

const KIND_LABEL = { customer: "Customer", internal: "Internal note", reply: "Reply to customer", comment: "Comment" };

export const ThreadNote = ({
  note,
  canMove = false,
  onMoved = () => {},
  highlighted = false,
}: {
  note: ThreadNote_NoteFragment;
  canMove?: boolean;
  /** The email now lives in issue `iid` (the page says so: this note leaves the list). */
  onMoved?: (iid: string) => void;
  /** A message the author's reply was written without (11.5): shown first, marked. */
  highlighted?: boolean;
}) => {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
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
  const kind = kindOf(note);
  const who = note.externalAuthor
    ? note.email?.fromName
      ? `${note.email.fromName} (${note.externalAuthor})`
      : note.externalAuthor
    : note.author
      ? `${note.author.name} (@${note.author.username})`
      : "a deleted user";
  return (
    <li
      className={`note note--${kind}${highlighted ? " note--highlighted" : ""}`}
      data-note-id={note.id}
      data-kind={kind}
    >
      <article
        aria-label={
          kind === "customer" ? `Message from ${noteAuthor(note)}` : `${KIND_LABEL[kind]} by ${noteAuthor(note)}`
        }
      >
        <header className="note__header">
          <span className={`note__kind note__kind--${kind}`}>{KIND_LABEL[kind]}</span>
          <span className="note__author">{who}</span>
          <span className="muted">
            <Time iso={note.createdAt} />
          </span>
          {note.lastEditedAt && !note.deletedAt ? (
            <span className="muted">· edited by @{note.lastEditedBy?.username ?? "someone"}</span>
          ) : null}
          {highlighted ? <strong className="note__new">New since you started writing</strong> : null}
          {note.userPermissions.adminNote && !editing ? (
            <NoteActions note={note} onEdit={() => setEditing(true)} />
          ) : null}
        </header>
        {note.email ? <Envelope email={note.email} /> : null}
        {note.deletedAt ? (
          <p className="muted note__deleted">
            This {kind === "customer" ? "message" : "note"} was deleted by @{note.deletedBy?.username ?? "someone"}{" "}
            <Time iso={note.deletedAt} />.
          </p>
        ) : editing ? (
          <NoteEditor
            note={note}
            onDone={(message) => {
              setEditing(false);
              setSaved(message);
            }}
          />
        ) : (
          <>
            <Markdown source={note.body} />
            <PdfPreviews markdown={note.body} />
          </>
        )}
        {saved ? (
          <p className="alert alert--done" role="status">
            {saved}
          </p>
        ) : null}
        <Deliveries deliveries={note.deliveries} />
        <History note={note} />
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
