import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useId, useState } from "react";
import { Markdown } from "../../components/Markdown.tsx";
import {
  ErrorState,
  errorMessage,
  LoadingState,
  PageHeading,
  ProjectNotFound,
  usePageTitle,
} from "../../components/States.tsx";
import {
  SavedRepliesDocument,
  type SavedReply_ReplyFragment,
  SavedReplyCreateDocument,
  SavedReplyDestroyDocument,
  SavedReplyUpdateDocument,
} from "./__generated__/saved-replies.ts";
import { SAVED_REPLY_PLACEHOLDERS } from "./saved-reply.ts";

/** Create or edit one saved reply; `scope` only when creating and the viewer may share in the project. */
const ReplyForm = ({
  initial,
  canShare,
  onSubmit,
  onCancel,
}: {
  initial?: SavedReply_ReplyFragment;
  canShare: boolean;
  onSubmit: (v: { name: string; content: string; shared: boolean }) => Promise<string[]>;
  onCancel?: () => void;
}) => {
  const [name, setName] = useState(initial?.name ?? "");
  const [content, setContent] = useState(initial?.content ?? "");
  const [shared, setShared] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const result = await onSubmit({ name, content, shared });
    setBusy(false);
    setErrors(result);
    if (result.length === 0 && !initial) {
      setName("");
      setContent("");
    }
  };
  return (
    <form className="saved-reply-form" onSubmit={submit}>
      <label htmlFor={`${id}-name`}>Name</label>
      <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={255} />
      <label htmlFor={`${id}-content`}>Reply</label>
      <textarea id={`${id}-content`} rows={5} value={content} onChange={(e) => setContent(e.target.value)} />
      <p className="muted">
        Placeholders: {SAVED_REPLY_PLACEHOLDERS.map((p) => `%{${p}}`).join(", ")} are filled in when you insert it.
      </p>
      {!initial && canShare ? (
        <label className="checkbox">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
          Share with everyone in this project
        </label>
      ) : null}
      {errors.length ? (
        <p className="field-error" role="alert">
          {errors.join(" ")}
        </p>
      ) : null}
      <div className="saved-reply-form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {initial ? "Save" : "Add saved reply"}
        </button>
        {onCancel ? (
          <button type="button" className="btn btn--ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
};

const ReplyItem = ({ reply, onChanged }: { reply: SavedReply_ReplyFragment; onChanged: () => void }) => {
  const [editing, setEditing] = useState(false);
  const [update] = useMutation(SavedReplyUpdateDocument);
  const [destroy] = useMutation(SavedReplyDestroyDocument);
  const [error, setError] = useState<string | null>(null);
  if (editing)
    return (
      <li className="saved-reply">
        <ReplyForm
          initial={reply}
          canShare={false}
          onCancel={() => setEditing(false)}
          onSubmit={async (v) => {
            try {
              const r = await update({ variables: { input: { id: reply.id, name: v.name, content: v.content } } });
              const errors = r.data?.savedReplyUpdate.errors ?? [];
              if (errors.length === 0) setEditing(false);
              return errors;
            } catch (err) {
              return [errorMessage(err)];
            }
          }}
        />
      </li>
    );
  return (
    <li className="saved-reply">
      <h3 className="saved-reply__name">
        {reply.name} <span className="badge">{reply.scope === "project" ? "Shared" : "Personal"}</span>
      </h3>
      <Markdown source={reply.content} />
      {reply.canManage ? (
        <div className="saved-reply__actions">
          <button type="button" className="btn btn--small" onClick={() => setEditing(true)}>
            Edit <span className="visually-hidden">{reply.name}</span>
          </button>
          <button
            type="button"
            className="btn btn--small btn--ghost"
            onClick={async () => {
              if (!window.confirm(`Delete the saved reply “${reply.name}”?`)) return;
              try {
                const r = await destroy({ variables: { input: { id: reply.id } } });
                const errors = r.data?.savedReplyDestroy.errors ?? [];
                if (errors.length) setError(errors.join(" "));
                else onChanged();
              } catch (err) {
                setError(errorMessage(err));
              }
            }}
          >
            Delete <span className="visually-hidden">{reply.name}</span>
          </button>
          {error ? (
            <span className="field-error" role="alert">
              {error}
            </span>
          ) : null}
        </div>
      ) : null}
    </li>
  );
};

/** Issue 11.4: the viewer's saved replies and the project's, to insert from the composer. */
export const SavedRepliesScene = ({ projectPath }: { projectPath: string }) => {
  usePageTitle(`Saved replies · ${projectPath}`);
  const { data, loading, error, refetch } = useQuery(SavedRepliesDocument, { variables: { fullPath: projectPath } });
  const [create] = useMutation(SavedReplyCreateDocument);
  if (!data && loading) return <LoadingState label="Loading saved replies…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  const project = data?.project;
  if (!project) return <ProjectNotFound />;
  const mine = project.savedReplies.filter((r) => r.scope === "personal");
  const shared = project.savedReplies.filter((r) => r.scope === "project");
  const section = (title: string, replies: SavedReply_ReplyFragment[], empty: string) => (
    <section aria-label={title} className="saved-replies__section">
      <h2 className="section-title">{title}</h2>
      {replies.length ? (
        <ul className="saved-replies">
          {replies.map((r) => (
            <ReplyItem key={r.id} reply={r} onChanged={() => void refetch()} />
          ))}
        </ul>
      ) : (
        <p className="muted">{empty}</p>
      )}
    </section>
  );
  return (
    <div className="saved-replies-page">
      <PageHeading>Saved replies</PageHeading>
      <p className="muted">
        Insert them from the composer with <kbd>Ctrl</kbd>+<kbd>/</kbd> or the “Saved replies” button.
      </p>
      <section aria-label="New saved reply" className="saved-replies__section">
        <h2 className="section-title">New saved reply</h2>
        <ReplyForm
          canShare={project.userPermissions.adminSavedReplies}
          onSubmit={async (v) => {
            try {
              const r = await create({
                variables: { input: { name: v.name, content: v.content, projectPath: v.shared ? projectPath : null } },
              });
              const errors = r.data?.savedReplyCreate.errors ?? [];
              if (errors.length === 0) await refetch();
              return errors;
            } catch (err) {
              return [errorMessage(err)];
            }
          }}
        />
      </section>
      {section("Your saved replies", mine, "You have no saved replies yet.")}
      {section(`Shared in ${project.name}`, shared, "Nothing is shared in this project yet.")}
    </div>
  );
};
