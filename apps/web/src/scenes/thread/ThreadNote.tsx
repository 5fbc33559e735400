import { InternalBadge } from "../../components/Badges.tsx";
import { Markdown } from "../../components/Markdown.tsx";
import { Time } from "../../components/time.tsx";
import type { ThreadNote_NoteFragment } from "../../graphql/__generated__/graphql.ts";

export const noteAuthor = (note: { author: { username: string } | null; externalAuthor?: string | null }) =>
  note.externalAuthor ? note.externalAuthor : note.author ? `@${note.author.username}` : "a deleted user";

export const ThreadNote = ({ note }: { note: ThreadNote_NoteFragment }) => {
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
      </article>
    </li>
  );
};
