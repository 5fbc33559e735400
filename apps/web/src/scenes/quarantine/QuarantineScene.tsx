import { useApolloClient, useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";
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
import {
  InboundEmailDeleteDocument,
  InboundEmailReleaseDocument,
  InboundEmailRetryDocument,
  type InboundEmailStatus,
  QuarantineRawSourcesDocument,
  QuarantineSceneDocument,
  type QuarantineItem_EmailFragment,
} from "../../graphql/__generated__/graphql.ts";

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
  const [notice, setNotice] = useState("");
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
  onDone,
}: {
  email: QuarantineItem_EmailFragment;
  releaseTargets: string[];
  defaultTarget: string;
  rawVariables: { projectPath: string | null; status: InboundEmailStatus | null; first: number };
  onDone: (message: string) => void;
}) => {
  const client = useApolloClient();
  const [raw, setRaw] = useState<string | null | undefined>(undefined);
  const [rawState, setRawState] = useState<"closed" | "loading" | "open">("closed");
  const [target, setTarget] = useState(releaseTargets.includes(defaultTarget) ? defaultTarget : "");
  const [errors, setErrors] = useState<string[]>([]);
  const [retry, retryState] = useMutation(InboundEmailRetryDocument);
  const [release, releaseState] = useMutation(InboundEmailReleaseDocument);
  const [remove, removeState] = useMutation(InboundEmailDeleteDocument);
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

  const report = (problems: string[] | undefined, done: string) => {
    setErrors(problems ?? []);
    if (!problems?.length) onDone(done);
  };
  const handleRetry = async () => {
    try {
      const result = await retry({ variables: { input: { id: email.id } } });
      const after = result.data?.inboundEmailRetry.inboundEmail;
      const outcome = (after?.reason ?? after?.status ?? "processed").replace(/\.$/, "");
      report(result.data?.inboundEmailRetry.errors, `Retried “${subject}”: ${outcome}.`);
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
        {errors.length ? (
          <ul className="alert alert--error" role="alert">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        ) : null}
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
