import { useApolloClient, useMutation, useQuery } from "@apollo/client/react";
import { type ReactNode, useState } from "react";
import { Link } from "react-router";
import { issuePath } from "../../app/paths.ts";
import {
  AccessDenied,
  ErrorState,
  errorMessage,
  LoadingState,
  PageHeading,
  ProjectNotFound,
  usePageTitle,
} from "../../components/States.tsx";
import { AbsoluteTime } from "../../components/time.tsx";
import type { InboundEmailStatus } from "../../graphql/__generated__/schema.ts";
import {
  InboundEmailDeleteDocument,
  InboundEmailReleaseDocument,
  InboundEmailRetryDocument,
  InboundEmailsDeleteDocument,
  InboundEmailsRetryDocument,
  QuarantineRawSourcesDocument,
  QuarantineSceneDocument,
  type QuarantineItem_EmailFragment,
} from "./__generated__/quarantine.ts";
import { ErrorList } from "../../components/Feedback.tsx";

const PAGE_SIZE = 20;
const STATUSES: { value: "" | InboundEmailStatus; label: string }[] = [
  { value: "", label: "Any reason" },
  { value: "rejected", label: "Rejected" },
  { value: "ignored", label: "Ignored (auto-generated)" },
  { value: "failed", label: "Failed" },
];

/** C12: every ignored or rejected message, kept raw with its reason; retry, release, delete. */
export const QuarantineScene = ({ projectPath }: { projectPath: string }) => {
  usePageTitle(`Quarantine · ${projectPath}`);
  const [scope, setScope] = useState<"project" | "instance">("project");
  const [status, setStatus] = useState<"" | InboundEmailStatus>("");
  // Outcomes are announced at page level: a released or deleted message may leave the list.
  const [notice, setNotice] = useState<ReactNode>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkErrors, setBulkErrors] = useState<string[]>([]);
  const [retryMany, retryManyState] = useMutation(InboundEmailsRetryDocument, { refetchQueries: ["ProjectNav"] });
  const [deleteMany, deleteManyState] = useMutation(InboundEmailsDeleteDocument, { refetchQueries: ["ProjectNav"] });
  const variables = {
    fullPath: projectPath,
    projectPath: scope === "project" ? projectPath : null,
    status: status || null,
    first: PAGE_SIZE,
  };
  const { data, loading, error, refetch, fetchMore } = useQuery(QuarantineSceneDocument, {
    variables,
    fetchPolicy: "cache-and-network",
    notifyOnNetworkStatusChange: true,
  });

  if (!data && loading) return <LoadingState label="Loading quarantine…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  if (!data?.project) return <ProjectNotFound />;
  if (!data.project.userPermissions.adminProject) {
    return (
      <AccessDenied message="Only project Maintainers and Owners can see the quarantined email of this project." />
    );
  }
  const list = data.quarantine;
  const releaseTargets = data.projects.nodes.filter((p) => p.userPermissions.adminProject).map((p) => p.fullPath);

  return (
    <section aria-labelledby="quarantine-title">
      <PageHeading id="quarantine-title">Quarantine</PageHeading>
      <p className="muted">
        Email that Tidings received but did not turn into an issue or a comment: rejected (unknown address, Service Desk
        off, too large…), ignored (auto-replies, bounces, loops) or failed. Each message is kept as received.
      </p>
      <div className="filter-bar">
        {data.currentUser?.admin ? (
          <div className="field">
            <label htmlFor="quarantine-scope">Messages</label>
            <select
              id="quarantine-scope"
              value={scope}
              onChange={(e) => setScope(e.target.value as "project" | "instance")}
            >
              <option value="project">Sent to {projectPath}</option>
              <option value="instance">All, including unrouted mail</option>
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="quarantine-status">Reason</label>
          <select
            id="quarantine-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as InboundEmailStatus)}
          >
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error ? (
        <p className="alert alert--error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      <p role="status" className={notice ? "alert alert--done" : "visually-hidden"}>
        {notice}
      </p>
      <ErrorList errors={bulkErrors} />
      {list.nodes.length > 0 ? (
        <fieldset className="bulk-bar">
          <legend className="visually-hidden">Selected messages</legend>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={list.nodes.length > 0 && list.nodes.every((n) => selected.has(n.id))}
              onChange={(e) => setSelected(e.target.checked ? new Set(list.nodes.map((n) => n.id)) : new Set())}
            />
            <span>Select all shown</span>
          </label>
          <span className="muted">{selected.size} selected</span>
          <button
            type="button"
            className="btn btn--small"
            disabled={selected.size === 0 || retryManyState.loading || deleteManyState.loading}
            onClick={async () => {
              try {
                const r = await retryMany({ variables: { ids: [...selected] } });
                const payload = r.data?.inboundEmailsRetry;
                setBulkErrors(payload?.errors ?? []);
                if (payload && payload.errors.length === 0) {
                  setSelected(new Set());
                  const stuck = payload.inboundEmails.filter((e) => QUARANTINED.has(e.status));
                  // Nothing retried became an issue or a note: a failure, said as one.
                  if (stuck.length === payload.inboundEmails.length) {
                    setNotice(null);
                    setBulkErrors([
                      `Retrying did not help for ${stuck.length === 1 ? "the message" : `all ${stuck.length} messages`}: ${reasonsOf(stuck)}`,
                    ]);
                  } else {
                    setNotice(<RetrySummary emails={payload.inboundEmails} />);
                  }
                  void refetch();
                }
              } catch (err) {
                setBulkErrors([errorMessage(err)]);
              }
            }}
          >
            Retry selected
          </button>
          <button
            type="button"
            className="btn btn--small btn--danger-outline"
            disabled={selected.size === 0 || retryManyState.loading || deleteManyState.loading}
            onClick={async () => {
              if (!window.confirm(`Delete ${selected.size} messages for good? Their raw content cannot be recovered.`))
                return;
              try {
                const r = await deleteMany({ variables: { ids: [...selected] } });
                const payload = r.data?.inboundEmailsDelete;
                setBulkErrors(payload?.errors ?? []);
                if (payload && payload.errors.length === 0) {
                  setSelected(new Set());
                  setNotice(`Deleted ${payload.inboundEmails.length} messages.`);
                  void refetch();
                }
              } catch (err) {
                setBulkErrors([errorMessage(err)]);
              }
            }}
          >
            Delete selected
          </button>
        </fieldset>
      ) : null}
      {list.nodes.length === 0 ? (
        <p className="empty">
          {scope === "instance"
            ? "No quarantined email visible to you. Unrouted mail is listed for instance admins only."
            : "No quarantined email for this project."}
        </p>
      ) : (
        <>
          <ul className="quarantine-list" aria-label="Quarantined email">
            {list.nodes.map((email) => (
              <QuarantineItem
                key={email.id}
                email={email}
                releaseTargets={releaseTargets}
                defaultTarget={email.project?.fullPath ?? projectPath}
                rawVariables={{ projectPath: variables.projectPath, status: variables.status, first: PAGE_SIZE }}
                selected={selected.has(email.id)}
                onSelect={(on) =>
                  setSelected((current) => {
                    const next = new Set(current);
                    if (on) next.add(email.id);
                    else next.delete(email.id);
                    return next;
                  })
                }
                onDone={(text) => {
                  setNotice(text);
                  void refetch();
                }}
              />
            ))}
          </ul>
          <div className="list-footer">
            <span className="muted">
              Showing {list.nodes.length} of {list.count}
            </span>
            {list.pageInfo.hasNextPage ? (
              <button
                type="button"
                className="btn"
                disabled={loading}
                onClick={() =>
                  fetchMore({
                    variables: { after: list.pageInfo.endCursor },
                    updateQuery: (prev, { fetchMoreResult }) => ({
                      ...fetchMoreResult,
                      quarantine: {
                        ...fetchMoreResult.quarantine,
                        nodes: [...prev.quarantine.nodes, ...fetchMoreResult.quarantine.nodes],
                      },
                    }),
                  })
                }
              >
                Load more
              </button>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
};

const QuarantineItem = ({
  email,
  releaseTargets,
  defaultTarget,
  rawVariables,
  selected,
  onSelect,
  onDone,
}: {
  email: QuarantineItem_EmailFragment;
  releaseTargets: string[];
  defaultTarget: string;
  rawVariables: { projectPath: string | null; status: InboundEmailStatus | null; first: number };
  selected: boolean;
  onSelect: (selected: boolean) => void;
  onDone: (message: ReactNode) => void;
}) => {
  const client = useApolloClient();
  const [raw, setRaw] = useState<string | null | undefined>(undefined);
  const [rawState, setRawState] = useState<"closed" | "loading" | "open">("closed");
  const [target, setTarget] = useState(releaseTargets.includes(defaultTarget) ? defaultTarget : "");
  const [errors, setErrors] = useState<string[]>([]);
  const [retry, retryState] = useMutation(InboundEmailRetryDocument, { refetchQueries: ["ProjectNav"] });
  const [release, releaseState] = useMutation(InboundEmailReleaseDocument, { refetchQueries: ["ProjectNav"] });
  const [remove, removeState] = useMutation(InboundEmailDeleteDocument, { refetchQueries: ["ProjectNav"] });
  const busy = retryState.loading || releaseState.loading || removeState.loading;
  const titleId = `quarantine-${email.id.replace(/\W/g, "")}`;
  const subject = email.subject?.trim() || "(no subject)";

  const handleToggleRaw = async () => {
    if (rawState === "open") return setRawState("closed");
    if (raw !== undefined) return setRawState("open");
    setRawState("loading");
    try {
      const { data } = await client.query({
        query: QuarantineRawSourcesDocument,
        variables: rawVariables,
        fetchPolicy: "network-only",
      });
      setRaw(data?.quarantine.nodes.find((n) => n.id === email.id)?.rawSource ?? null);
    } catch (err) {
      setErrors([errorMessage(err)]);
      setRaw(undefined);
      return setRawState("closed");
    }
    setRawState("open");
  };

  const report = (problems: string[] | undefined, done: ReactNode) => {
    setErrors(problems ?? []);
    if (!problems?.length) onDone(done);
  };
  const handleRetry = async () => {
    try {
      const result = await retry({ variables: { input: { id: email.id } } });
      const payload = result.data?.inboundEmailRetry;
      const after = payload?.inboundEmail;
      if (payload?.errors.length || !after) return report(payload?.errors, null);
      // A retry that ends in the quarantine again failed: said here, on the message, as an error.
      if (QUARANTINED.has(after.status)) {
        return setErrors([`Retrying did not help: ${after.reason ?? after.status}`]);
      }
      report([], <RetrySummary emails={[after]} />);
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };
  const handleRelease = async () => {
    if (!target) return;
    try {
      const result = await release({ variables: { input: { id: email.id, projectPath: target } } });
      const issue = result.data?.inboundEmailRelease.inboundEmail?.issue;
      report(
        result.data?.inboundEmailRelease.errors,
        issue ? `Released “${subject}” into ${target} as #${issue.iid}.` : `Released “${subject}” into ${target}.`,
      );
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };
  const handleDelete = async () => {
    if (!window.confirm("Delete this message for good? Its raw content cannot be recovered.")) return;
    try {
      const result = await remove({ variables: { input: { id: email.id } } });
      report(result.data?.inboundEmailDelete.errors, `Deleted “${subject}”.`);
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };

  return (
    <li className="quarantine-item">
      <article aria-labelledby={titleId}>
        <header className="quarantine-item__header">
          <input
            type="checkbox"
            className="quarantine-item__select"
            checked={selected}
            aria-label={`Select “${subject}”`}
            onChange={(e) => onSelect(e.target.checked)}
          />
          <h2 id={titleId} className="quarantine-item__subject">
            {subject}
          </h2>
          <span className={`badge badge--quarantine-${email.status}`}>{email.status}</span>
        </header>
        <p className="quarantine-item__reason">{email.reason ?? "No reason recorded."}</p>
        <dl className="meta-list">
          <div>
            <dt>From</dt>
            <dd>{email.from ?? "unknown sender"}</dd>
          </div>
          <div>
            <dt>To</dt>
            <dd>{email.to.join(", ") || "—"}</dd>
          </div>
          <div>
            <dt>Received</dt>
            <dd>
              <AbsoluteTime iso={email.receivedAt} /> via {email.transport}
            </dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>{formatBytes(email.sizeBytes)}</dd>
          </div>
          {email.issue && email.project ? (
            <div>
              <dt>Issue</dt>
              <dd>
                <Link to={issuePath(email.project.fullPath, email.issue.iid)}>
                  {email.project.fullPath}#{email.issue.iid}
                </Link>
              </dd>
            </div>
          ) : null}
        </dl>
        <div className="actions">
          <button
            type="button"
            className="btn btn--small"
            aria-expanded={rawState === "open"}
            onClick={handleToggleRaw}
          >
            {rawState === "open" ? "Hide raw message" : rawState === "loading" ? "Loading…" : "Read raw message"}
          </button>
          <button type="button" className="btn btn--small" disabled={busy} onClick={handleRetry}>
            Retry
          </button>
          {releaseTargets.length ? (
            <span className="actions__group">
              <label htmlFor={`${titleId}-target`} className="visually-hidden">
                Release into project
              </label>
              <select id={`${titleId}-target`} value={target} onChange={(e) => setTarget(e.target.value)}>
                <option value="">Release into…</option>
                {releaseTargets.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
              <button type="button" className="btn btn--small" disabled={busy || !target} onClick={handleRelease}>
                Release
              </button>
            </span>
          ) : null}
          <button type="button" className="btn btn--small btn--danger-outline" disabled={busy} onClick={handleDelete}>
            Delete
          </button>
        </div>
        <ErrorList errors={errors} />
        {rawState === "open" ? (
          raw === null ? (
            <p className="muted">The raw message is no longer stored.</p>
          ) : (
            // Shown as text only (a React text node): never parsed or rendered as HTML.
            <section aria-label="Raw message">
              {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
              <pre className="raw-message" tabIndex={0}>
                {raw}
              </pre>
            </section>
          )
        ) : null}
      </article>
    </li>
  );
};

const formatBytes = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

const QUARANTINED = new Set(["ignored", "rejected", "failed"]);

/** The distinct reasons of messages, once each. */
const reasonsOf = (emails: QuarantineItem_EmailFragment[]) =>
  [...new Set(emails.map((e) => e.reason ?? e.status))].join(" ");

/** What retrying became of each message: a link to the issue it opened, or why it is still quarantined. */
const RetrySummary = ({ emails }: { emails: QuarantineItem_EmailFragment[] }) => {
  const into = emails.filter((e) => e.issue && e.project);
  const stuck = emails.filter((e) => QUARANTINED.has(e.status));
  const waiting = emails.filter((e) => e.status === "received");
  return (
    <span>
      Retried {emails.length === 1 ? `“${emails[0].subject?.trim() || "(no subject)"}”` : `${emails.length} messages`}.
      {into.map((e) => (
        <span key={e.id}>
          {" "}
          Became{" "}
          <Link to={issuePath(e.project!.fullPath, e.issue!.iid)}>
            {e.project!.fullPath}#{e.issue!.iid}
          </Link>
          .
        </span>
      ))}
      {stuck.length ? ` ${stuck.length} still quarantined: ${reasonsOf(stuck)}` : ""}
      {waiting.length ? ` ${waiting.length} still being processed; refresh in a moment.` : ""}
    </span>
  );
};
