import { useMutation } from "@apollo/client/react";
import {
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { Markdown } from "../../components/Markdown.tsx";
import { errorMessage } from "../../components/States.tsx";
import { CreateNoteDocument, type ThreadNote_NoteFragment } from "./__generated__/thread.ts";
import { PresenceLine, usePresence } from "./composer/presence.tsx";
import {
  describeCommands,
  parseQuickActions,
  type Suggestion,
  suggestionsFor,
  type Trigger,
  triggerAt,
} from "./composer/quick-actions.ts";
import type { SavedReplyContext } from "../saved-replies/saved-reply.ts";
import { useDraft } from "./composer/draft.ts";
import { SavedReplyPicker } from "./composer/SavedReplyPicker.tsx";
import { Suggestions } from "./composer/Suggestions.tsx";
import { filesOf, type Upload, uploadFile } from "./composer/uploads.ts";
import { ErrorList } from "../../components/Feedback.tsx";

/** "Nothing in the thread yet" for the stale-reply check: every note is newer. */
const NO_NOTE_YET = "gid://tidings/Note/0";

export type ComposerIssue = {
  id: string;
  state: string;
  externalAuthor?: string | null;
  /** Null when the viewer may not see customers' addresses (below Reporter). */
  emailParticipants: { email: string; unsubscribed: boolean }[] | null;
  userPermissions: { createInternalNote: boolean; updateIssue: boolean };
};

/** Who a public reply reaches, said before sending (GitLab: the warning under the comment editor). */
const Recipients = ({
  participants,
  ticket,
}: {
  participants: { email: string; unsubscribed: boolean }[];
  /** A Service Desk ticket (it has a requester): with nobody to email, say so. */
  ticket: boolean;
}) => {
  const subscribed = participants.filter((p) => !p.unsubscribed);
  if (participants.length === 0)
    return ticket ? (
      <p className="composer__recipients composer__recipients--none" role="note">
        Nobody will be emailed: this ticket has no email participants. Add one in the sidebar to reach the customer.
      </p>
    ) : null;
  if (subscribed.length === 0)
    return (
      <p className="composer__recipients composer__recipients--none" role="note">
        Nobody will be emailed: every participant has unsubscribed. The reply stays in the thread only.
      </p>
    );
  return (
    <p className="composer__recipients" role="note">
      Will be emailed to <strong>{subscribed.map((p) => p.email).join(", ")}</strong>
    </p>
  );
};

/**
 * The composer (issue 11): reply to the customer or add an internal note — the choice is a pair of
 * buttons, the colour and the send button's words; quick actions with autocomplete and a "runs" line;
 * files by drag and drop, paste or picker; presence of the other responders; and the server's stale-reply
 * check (a newer message arrived since writing began: shown, then confirmed).
 */
export const ReplyComposer = ({
  issue,
  projectPath,
  lastNoteId,
  labels,
  members,
  onCreated,
  onStale,
  draft,
  savedReplyContext,
}: {
  issue: ComposerIssue;
  /** The viewer's saved draft on this issue (11.3), restored on load. */
  draft: { body: string; internal: boolean; lastSeenNoteId?: string | null } | null;
  /** What a saved reply's placeholders are filled with (11.4). */
  savedReplyContext: SavedReplyContext;
  projectPath: string;
  /** The newest note in the thread now (what the author has in front of them). */
  lastNoteId: string | null;
  labels: string[];
  members: { username: string; name: string }[];
  onCreated: (note: ThreadNote_NoteFragment | null) => void;
  /** Newer messages the server says the reply was written without. */
  onStale: (noteIds: string[]) => void;
}) => {
  const canInternal = issue.userPermissions.createInternalNote;
  const participants = issue.emailParticipants ?? [];
  const isTicket = participants.length > 0;
  const [body, setBody] = useState(draft?.body ?? "");
  const [internal, setInternal] = useState(canInternal && (draft?.internal ?? false));
  const [picker, setPicker] = useState(false);
  // The newest note when writing began: a reply is checked against it, not against what arrived since. Kept
  // with the draft, so a reload (or the thread fetched again) does not lose it.
  const seenAtStart = useRef<string | null>(draft?.body.trim() ? (draft.lastSeenNoteId ?? null) : null);
  const draftState = useDraft(issue.id, body, internal, () => seenAtStart.current);
  const [mode, setMode] = useState<"write" | "preview">("write");
  const [errors, setErrors] = useState<string[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [uploading, setUploading] = useState(0);
  const [stale, setStale] = useState<string[] | null>(null);
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  const [active, setActive] = useState(0);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [createNote, { loading }] = useMutation(CreateNoteDocument);
  const presence = usePresence(issue.id, canInternal);
  const hintId = useId();
  const listId = useId();

  const parsed = useMemo(() => parseQuickActions(body), [body]);
  const commandsLine = describeCommands(parsed);
  const suggestions = useMemo(
    () => (trigger ? suggestionsFor(trigger, { labels, members }) : []),
    [trigger, labels, members],
  );
  const publicLabel = isTicket ? "Reply to customer" : "Comment";
  const sendLabel = internal ? "Add internal note" : publicLabel;

  const change = (text: string, cursor: number) => {
    if (!seenAtStart.current && text.trim()) seenAtStart.current = lastNoteId ?? NO_NOTE_YET;
    if (!text.trim()) seenAtStart.current = null;
    setBody(text);
    setTrigger(triggerAt(text, cursor));
    setActive(0);
    if (text.trim()) presence.typing();
  };

  // Uploads finish in any order: each inserts into the text as it is then, at the cursor.
  const insertAtCursor = (text: string) => {
    const el = input.current;
    if (!seenAtStart.current) seenAtStart.current = lastNoteId ?? NO_NOTE_YET;
    setBody((prev) => {
      const at = Math.min(el?.selectionStart ?? prev.length, prev.length);
      requestAnimationFrame(() => el?.setSelectionRange(at + text.length, at + text.length));
      return `${prev.slice(0, at)}${text}${prev.slice(at)}`;
    });
  };

  const pick = (s: Suggestion) => {
    if (!trigger) return;
    const next = `${body.slice(0, trigger.start)}${s.value}${body.slice(trigger.end)}`;
    const cursor = trigger.start + s.value.length;
    setBody(next);
    setTrigger(null);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(cursor, cursor);
    });
  };

  const attach = async (files: File[]) => {
    if (files.length === 0) return;
    setUploading((n) => n + files.length);
    const failed: string[] = [];
    for (const file of files) {
      try {
        const up = await uploadFile(projectPath, file);
        setUploads((prev) => [...prev, up]);
        insertAtCursor(`${up.markdown}\n`);
      } catch (err) {
        failed.push(`${file.name}: ${errorMessage(err)}`);
      } finally {
        setUploading((n) => n - 1);
      }
    }
    setErrors(failed);
  };

  const reset = () => {
    draftState.sent();
    setBody("");
    setUploads([]);
    setInternal(false);
    setMode("write");
    setStale(null);
    seenAtStart.current = null;
    presence.sent();
  };

  const send = async (stateEvent: "CLOSE" | "REOPEN" | null, confirmedUpTo?: string) => {
    if (!body.trim() && uploads.length === 0) {
      setErrors(["Write a comment first."]);
      return;
    }
    setNotice(null);
    try {
      const used = uploads.filter((u) => body.includes(u.url));
      const result = await createNote({
        variables: {
          input: {
            noteableId: issue.id,
            body,
            internal,
            stateEvent,
            lastSeenNoteId: confirmedUpTo ?? seenAtStart.current ?? lastNoteId,
            uploadIds: used.map((u) => u.id),
          },
        },
      });
      const payload = result.data?.createNote;
      if (!payload) return;
      if (payload.staleNoteIds.length) {
        setStale(payload.staleNoteIds);
        setErrors([]);
        onStale(payload.staleNoteIds);
        return;
      }
      if (payload.errors.length) {
        setErrors(payload.errors);
        return;
      }
      onCreated(payload.note ?? null);
      const ran = payload.quickActionsStatus?.messages.join(" ") ?? "";
      const sent = payload.note
        ? payload.emailed
          ? "Sent to the customer."
          : payload.note.internal
            ? "Internal note added."
            : "Comment added."
        : "";
      setNotice([sent, ran].filter(Boolean).join(" ") || null);
      setErrors([]);
      reset();
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((i) => (i + (e.key === "ArrowDown" ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(suggestions[active]);
        return;
      }
      if (e.key === "Escape") {
        setTrigger(null);
        return;
      }
    }
    if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      void send(null);
    }
    if (e.key === "/" && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      setPicker(true);
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = filesOf(e.clipboardData.files);
    if (files.length) {
      e.preventDefault();
      void attach(files);
    }
  };
  const onDrop = (e: DragEvent<HTMLElement>) => {
    e.preventDefault();
    setDragging(false);
    void attach(filesOf(e.dataTransfer.files));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(null);
  };

  return (
    <form
      className={`composer ${internal ? "composer--internal" : "composer--public"}${dragging ? " composer--dragging" : ""}`}
      onSubmit={submit}
      aria-label={internal ? "Add an internal note" : isTicket ? "Reply to the customer" : "Add a comment"}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <PresenceLine others={presence.others} />
      {canInternal ? (
        <fieldset className="composer__kind">
          <legend className="visually-hidden">Who sees this</legend>
          <button
            type="button"
            className="composer__kind-option composer__kind-option--public"
            aria-pressed={!internal}
            onClick={() => setInternal(false)}
          >
            {isTicket ? "Public reply" : "Public comment"}
          </button>
          <button
            type="button"
            className="composer__kind-option composer__kind-option--internal"
            aria-pressed={internal}
            onClick={() => setInternal(true)}
          >
            Internal note
          </button>
        </fieldset>
      ) : null}
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
        <div className="composer__write">
          <label htmlFor="note-body" className="visually-hidden">
            {internal ? "Write an internal note" : isTicket ? "Write a reply" : "Write a comment"}
          </label>
          <textarea
            ref={input}
            id="note-body"
            className="composer__input"
            rows={6}
            value={body}
            onChange={(e) => change(e.target.value, e.target.selectionStart)}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
            onBlur={() => setTrigger(null)}
            placeholder={
              internal
                ? "Only your team sees this note…"
                : "Write a reply (Markdown). Type / for quick actions, ~ for labels, @ for people…"
            }
            aria-describedby={hintId}
            role="combobox"
            aria-expanded={suggestions.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={suggestions.length ? `${listId}-${active}` : undefined}
          />
          {suggestions.length ? <Suggestions id={listId} items={suggestions} active={active} onPick={pick} /> : null}
        </div>
      ) : (
        <section className="composer__preview" aria-label="Preview">
          <Markdown source={parsed.text || "Nothing to preview."} />
        </section>
      )}
      {picker ? (
        <SavedReplyPicker
          context={savedReplyContext}
          onClose={() => {
            setPicker(false);
            input.current?.focus();
          }}
          onInsert={(text) => {
            setPicker(false);
            setMode("write");
            requestAnimationFrame(() => {
              input.current?.focus();
              insertAtCursor(text);
            });
          }}
        />
      ) : null}
      {commandsLine ? (
        <p className="composer__commands" role="status">
          {commandsLine}
        </p>
      ) : null}
      {uploads.length || uploading ? (
        <ul className="composer__files" aria-label="Attached files">
          {uploads.map((u) => (
            <li key={u.id}>
              {u.filename} <span className="muted">({Math.max(1, Math.round(u.sizeBytes / 1024))} KB)</span>
            </li>
          ))}
          {uploading ? <li className="muted">Uploading {uploading}…</li> : null}
        </ul>
      ) : null}
      {stale ? (
        <div className="alert alert--warning" role="alert">
          <p className="alert__text">
            {stale.length === 1 ? "A new message" : `${stale.length} new messages`} arrived on this ticket while you
            were writing. Read {stale.length === 1 ? "it" : "them"} above before you send.
          </p>
          <button type="button" className="btn btn--small" onClick={() => void send(null, stale[stale.length - 1])}>
            Send anyway
          </button>{" "}
          <button type="button" className="btn btn--small btn--ghost" onClick={() => setStale(null)}>
            Keep editing
          </button>
        </div>
      ) : null}
      <ErrorList errors={errors} />
      {notice ? (
        <p className="alert alert--done" role="status">
          {notice}
        </p>
      ) : null}
      {!internal ? (
        <Recipients
          participants={participants}
          ticket={issue.externalAuthor != null && issue.emailParticipants !== null}
        />
      ) : null}
      <div className="composer__footer">
        <input
          ref={fileInput}
          type="file"
          multiple
          className="visually-hidden"
          id={`${hintId}-files`}
          aria-label="Attach files"
          tabIndex={-1}
          onChange={(e) => {
            void attach(filesOf(e.target.files));
            e.target.value = "";
          }}
        />
        <button type="button" className="btn btn--ghost" onClick={() => fileInput.current?.click()}>
          Attach files
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          aria-expanded={picker}
          aria-keyshortcuts="Control+/"
          onClick={() => setPicker((open) => !open)}
        >
          Saved replies
        </button>
        <span className="muted composer__draft" aria-live="polite">
          {draftState.status}
        </span>
        <span id={hintId} className="muted composer__hint">
          {internal
            ? "Internal notes are visible to project members only and are never emailed."
            : isTicket
              ? "The customer receives this by email. Ctrl+Enter sends."
              : "Ctrl+Enter sends."}
        </span>
        {issue.userPermissions.updateIssue ? (
          <button
            type="button"
            className="btn"
            disabled={loading || uploading > 0}
            onClick={() => void send(issue.state === "closed" ? "REOPEN" : "CLOSE")}
          >
            {issue.state === "closed" ? "Comment & reopen" : "Comment & close"}
          </button>
        ) : null}
        <button
          type="submit"
          className={`btn ${internal ? "btn--internal" : "btn--primary"}`}
          disabled={loading || uploading > 0}
        >
          {loading ? "Sending…" : sendLabel}
        </button>
      </div>
    </form>
  );
};
