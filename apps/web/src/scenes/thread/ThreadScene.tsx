import { useApolloClient, useMutation, useQuery } from "@apollo/client/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import { FRESH_FETCHES, useRefetchAfterRacedEvent } from "../../app/live-refetch.ts";
import { issuePath, issuesPath } from "../../app/paths.ts";
import { ConfidentialBadge, StateBadge } from "../../components/Badges.tsx";
import { Markdown } from "../../components/Markdown.tsx";
import { PdfPreviews } from "../../components/PdfPreview.tsx";
import {
  ErrorState,
  errorMessage,
  LoadingState,
  PageHeading,
  ProjectNotFound,
  usePageTitle,
} from "../../components/States.tsx";
import { Time } from "../../components/time.tsx";
import { SUPPORT_BOT } from "../issues/filters.ts";
import {
  MarkIssueReadDocument,
  NoteCreatedDocument,
  NoteUpdatedDocument,
  ThreadIssueUpdatedDocument,
  type ThreadNote_NoteFragment,
  ThreadSceneDocument,
  type ThreadSceneQuery,
} from "./__generated__/thread.ts";
import { EmailLog } from "./EmailLog.tsx";
import { IssueSidebar } from "./IssueSidebar.tsx";
import { ReplyComposer } from "./ReplyComposer.tsx";
import { StateToggle } from "./StateToggle.tsx";
import { Envelope, ThreadNote, WhyHere } from "./ThreadNote.tsx";

/**
 * Appends a note to the cached thread unless it is already there (the mutation and the subscription both
 * deliver it); `undefined` when there is nothing to write. A thread not (completely) in the cache — while
 * it is fetched again — is left alone, never written back partial.
 */
export const withNote = (
  prev: ThreadSceneQuery | null | undefined,
  note: ThreadNote_NoteFragment | null | undefined,
  complete = true,
): ThreadSceneQuery | undefined => {
  const issue = prev?.project?.issue;
  if (!complete || !prev || !note || !prev.project || !issue || issue.notes.nodes.some((n) => n.id === note.id))
    return undefined;
  return {
    ...prev,
    project: { ...prev.project, issue: { ...issue, notes: { ...issue.notes, nodes: [...issue.notes.nodes, note] } } },
  };
};

export const ThreadScene = ({ projectPath, iid }: { projectPath: string; iid: string }) => {
  const client = useApolloClient();
  const variables = useMemo(() => ({ fullPath: projectPath, iid }), [projectPath, iid]);
  // A note written to the cache (the author's reply, a live event) while the thread is being fetched again is
  // shown at once (cache-and-network: Apollo holds cache updates back from other policies until the answer is
  // in) and stays when the answer, read before it existed, arrives (merged, not overwritten: the timeline's
  // merge in apollo-client.ts keeps it). A thread opened again shows what was cached and is fetched fresh.
  const { data, loading, error, refetch, subscribeToMore, fetchMore, observable, networkStatus } = useQuery(
    ThreadSceneDocument,
    {
      variables,
      fetchPolicy: "cache-and-network",
      refetchWritePolicy: "merge",
      context: FRESH_FETCHES,
    },
  );
  // The issue's fields (state, labels, the email log) changed by an event while the thread is fetched again
  // would be put back by that answer, read before the change: the thread is fetched once more after it.
  const eventReceived = useRefetchAfterRacedEvent(observable, networkStatus, refetch);
  // Issue 12.6: where a moved email went (said at page level: the email leaves this list).
  const [movedTo, setMovedTo] = useState<string | null>(null);
  const issue = data?.project?.issue;
  const issueId = issue?.id;
  usePageTitle(issue ? `${issue.title} (#${issue.iid}) · ${projectPath}` : `#${iid} · ${projectPath}`);

  useEffect(() => {
    if (!issueId) return;
    const stopNotes = subscribeToMore({
      document: NoteCreatedDocument,
      variables: { noteableId: issueId },
      updateQuery: (prev, { subscriptionData, complete }) => {
        eventReceived();
        return withNote(prev as ThreadSceneQuery | undefined, subscriptionData.data?.noteCreated, complete);
      },
    });
    // Updated issues (state, labels, email log) and edited notes are normalised into the cache by id; their
    // updates write nothing more. The issues' events are the project's: only this issue's count.
    const stopIssue = subscribeToMore({
      document: ThreadIssueUpdatedDocument,
      variables: { projectPath },
      updateQuery: (_prev, { subscriptionData }) => {
        if (subscriptionData.data?.issueUpdated?.id === issueId) eventReceived();
        return undefined;
      },
    });
    const stopEdits = subscribeToMore({
      document: NoteUpdatedDocument,
      variables: { noteableId: issueId },
      updateQuery: () => {
        eventReceived();
        return undefined;
      },
    });
    return () => {
      stopNotes();
      stopIssue();
      stopEdits();
    };
  }, [subscribeToMore, issueId, projectPath, eventReceived]);

  // Issue 10.1: reading the thread (and what arrives in it while open) clears "unread" in the list.
  // Reading it also reads its notifications: the bell's count follows.
  const [markRead] = useMutation(MarkIssueReadDocument, { refetchQueries: ["NotificationBell"] });
  const noteCount = issue?.notes.nodes.length ?? 0;
  useEffect(() => {
    if (issueId && noteCount >= 0) void markRead({ variables: { id: issueId } }).catch(() => undefined);
  }, [issueId, noteCount, markRead]);

  const handleNoteCreated = useCallback(
    (note: ThreadNote_NoteFragment | null) => {
      setStaleIds([]);
      if (!note) return;
      client.cache.updateQuery({ query: ThreadSceneDocument, variables }, (prev) =>
        withNote(prev as ThreadSceneQuery | null, note),
      );
    },
    [client, variables],
  );
  // Issue 11.5: messages a reply was written without; refetched (in case the live event was missed), marked
  // and scrolled to, so the author reads them before confirming.
  const [staleIds, setStaleIds] = useState<string[]>([]);
  const handleStale = useCallback(
    async (ids: string[]) => {
      setStaleIds(ids);
      await refetch();
      document.querySelector(`[data-note-id="${ids[0]}"]`)?.scrollIntoView({ block: "center" });
    },
    [refetch],
  );

  if (!data && loading) return <LoadingState label="Loading issue…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  if (!data?.project) return <ProjectNotFound />;
  if (!issue) {
    return <ErrorState title="Issue not found" message="This issue does not exist, or you don't have access to it." />;
  }

  const fromServiceDesk = issue.author?.username === SUPPORT_BOT;
  const notes = issue.notes.nodes;
  return (
    <div className="thread">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={issuesPath(projectPath)}>{data.project.name}</Link>
        <span aria-hidden="true"> / </span>
        <Link to={issuesPath(projectPath, fromServiceDesk ? "" : "tab=all")}>
          {fromServiceDesk ? "Service Desk" : "Issues"}
        </Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">#{issue.iid}</span>
      </nav>
      <header className="thread__header">
        <div className="thread__title-row">
          <PageHeading>{issue.title}</PageHeading>
          {issue.userPermissions.updateIssue ? (
            <StateToggle projectPath={projectPath} iid={issue.iid} state={issue.state} />
          ) : null}
        </div>
        <div className="thread__meta">
          <StateBadge state={issue.state} />
          {issue.confidential ? <ConfidentialBadge /> : null}
          <span>
            #{issue.iid} opened <Time iso={issue.createdAt} /> by{" "}
            {fromServiceDesk && issue.externalAuthor ? (
              <>
                <strong className="external-author">{issue.externalAuthor}</strong>{" "}
                <span className="muted">via Service Desk (@{SUPPORT_BOT})</span>
              </>
            ) : (
              <strong>{issue.author ? `@${issue.author.username}` : "a deleted user"}</strong>
            )}
          </span>
        </div>
      </header>
      <div className="thread__layout">
        <div className="thread__main">
          <section aria-label="Description" className="thread__description">
            {issue.email ? <Envelope email={issue.email} /> : null}
            <Markdown source={issue.description} />
            <PdfPreviews markdown={issue.description ?? ""} />
            {issue.routing ? (
              <WhyHere explanation={issue.routing.explanation} senderChecks={issue.routing.senderChecks} />
            ) : null}
          </section>
          <section aria-labelledby="activity-title">
            <h2 id="activity-title" className="section-title">
              Activity
            </h2>
            <p role="status" className={movedTo ? "alert alert--done" : "visually-hidden"}>
              {movedTo ? (
                <>
                  Moved the email to <Link to={issuePath(projectPath, movedTo)}>#{movedTo}</Link>.
                </>
              ) : null}
            </p>
            {notes.length === 0 ? <p className="muted">No comments yet.</p> : null}
            <ol className="timeline" aria-live="polite" aria-relevant="additions">
              {notes.map((note) => (
                <ThreadNote
                  key={note.id}
                  note={note}
                  highlighted={staleIds.includes(note.id)}
                  canMove={issue.userPermissions.moveInboundMessage}
                  onMoved={(iid) => {
                    setMovedTo(iid);
                    void refetch();
                  }}
                />
              ))}
            </ol>
            {issue.notes.pageInfo.hasNextPage ? (
              <button
                type="button"
                className="btn"
                onClick={() => fetchMore({ variables: { after: issue.notes.pageInfo.endCursor } })}
              >
                Load more activity
              </button>
            ) : null}
            {issue.userPermissions.createNote ? (
              <ReplyComposer
                issue={issue}
                projectPath={projectPath}
                lastNoteId={notes.length ? notes[notes.length - 1].id : null}
                labels={data.project.labels.nodes.map((l) => l.title)}
                members={data.project.projectMembers.nodes.map((m) => m.user)}
                onCreated={handleNoteCreated}
                onStale={(ids) => void handleStale(ids)}
                draft={issue.noteDraft ?? null}
                savedReplyContext={{
                  projectPath,
                  issueIid: Number(issue.iid),
                  requesterName: issue.requesterName ?? null,
                  requesterAddress: issue.emailParticipants ? issue.externalAuthor : null,
                }}
              />
            ) : (
              <p className="muted">You can read this issue but not comment on it.</p>
            )}
          </section>
          <EmailLog emails={issue.emails} />
        </div>
        <IssueSidebar
          canUpdate={issue.userPermissions.updateIssue}
          projectPath={projectPath}
          issue={issue}
          projects={data.projects.nodes}
          projectLabels={data.project.labels.nodes.map((l) => l.title)}
          projectMembers={data.project.projectMembers.nodes.map((m) => m.user)}
          requester={{
            address: issue.externalAuthor,
            name: issue.requesterName ?? null,
            history: issue.requesterHistory,
          }}
        />
      </div>
    </div>
  );
};
