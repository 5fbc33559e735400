import { useQuery, useSubscription } from "@apollo/client/react";
import { useMemo, useState } from "react";
import {
  AccessDenied,
  ErrorState,
  errorMessage,
  LoadingState,
  PageHeading,
  ProjectNotFound,
  usePageTitle,
} from "../../components/States.tsx";
import { Time } from "../../components/time.tsx";
import type { MailChannelState } from "../../graphql/__generated__/schema.ts";
import {
  type MailHealth_PointFragment,
  type MailHealth_ReadingFragment,
  MailHealthLiveDocument,
  MailHealthSceneDocument,
} from "./__generated__/mail-health.ts";
import { HealthChart } from "./HealthChart.tsx";

const STATE_TEXT: Record<MailChannelState, string> = {
  OK: "Working",
  FAILING: "Failing",
  STALE: "Not read",
  OFF: "Off",
};

const KIND_TEXT: Record<string, string> = {
  IMAP: "IMAP mailbox",
  GRAPH: "Microsoft Graph mailbox",
  SMTP_LISTENER: "SMTP listener",
  WEBHOOK: "Webhook",
  OUTBOUND: "Outbound",
  CANARY: "Canary",
};

const percent = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)} %`;

const duration = (seconds: number) => {
  if (seconds < 1) return "none waiting";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
};

/** Issue 13.4: every way mail comes in and goes out, live; a maintainer sees their project, an admin the instance. */
export const MailHealthScene = ({ projectPath }: { projectPath: string }) => {
  usePageTitle(`Mail health · ${projectPath}`);
  const [scope, setScope] = useState<"project" | "instance">("project");
  const scoped = scope === "project" ? projectPath : null;
  const { data, loading, error, refetch } = useQuery(MailHealthSceneDocument, {
    variables: { fullPath: projectPath, projectPath: scoped },
    fetchPolicy: "cache-and-network",
  });
  const live = useSubscription(MailHealthLiveDocument, { variables: { projectPath: scoped } });

  if (!data && loading) return <LoadingState label="Loading mail health…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  if (!data?.project) return <ProjectNotFound />;
  const reading = live.data?.mailHealthUpdated ?? data.mailHealth;
  if (!reading) {
    return <AccessDenied message="Only project Maintainers and Owners can see how this project's email is doing." />;
  }
  return (
    <section aria-labelledby="mail-health-heading" className="mail-health">
      <PageHeading id="mail-health-heading">Mail health</PageHeading>
      <div className="mail-health__bar">
        {data.currentUser?.admin ? (
          <fieldset className="segmented">
            <legend className="visually-hidden">Scope</legend>
            <label>
              <input type="radio" name="scope" checked={scope === "project"} onChange={() => setScope("project")} />{" "}
              This project
            </label>
            <label>
              <input type="radio" name="scope" checked={scope === "instance"} onChange={() => setScope("instance")} />{" "}
              Whole instance
            </label>
          </fieldset>
        ) : null}
        <p className="mail-health__checked" aria-live="polite">
          {live.data ? "Live · " : ""}checked <Time iso={reading.checkedAt} />
        </p>
      </div>
      <Channels reading={reading} />
      <Figures reading={reading} />
      {data.mailHealth ? (
        <div className="mail-health__charts">
          <History title="Last 24 hours (per 5 minutes)" points={data.mailHealth.day} spanSeconds={24 * 3600} />
          <History title="Last 30 days (per day)" points={data.mailHealth.month} spanSeconds={30 * 24 * 3600} />
        </div>
      ) : null}
    </section>
  );
};

const Channels = ({ reading }: { reading: MailHealth_ReadingFragment }) => (
  <div className="table-scroll">
    <table className="table mail-health__channels">
      <caption className="visually-hidden">Mail channels</caption>
      <thead>
        <tr>
          <th scope="col">Channel</th>
          <th scope="col">State</th>
          <th scope="col">Last success</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {reading.channels.map((c) => (
          <tr key={c.id} data-channel={c.kind} data-state={c.state}>
            <th scope="row">
              <span className="mail-health__kind">
                {KIND_TEXT[c.kind] ?? c.kind} · {c.direction === "in" ? "in" : "out"}
              </span>
              <span className="mail-health__name">{c.name}</span>
            </th>
            <td data-label="State">
              <span className={`badge badge--health-${c.state.toLowerCase()}`}>{STATE_TEXT[c.state]}</span>
              {c.detail ? <p className="mail-health__detail">{c.detail}</p> : null}
            </td>
            <td data-label="Last success">{c.lastSuccessAt ? <Time iso={c.lastSuccessAt} /> : "never"}</td>
            <td data-label="Last error">
              {c.lastError ? (
                <>
                  <Time iso={c.lastErrorAt} />
                  <p className="mail-health__detail">{c.lastError}</p>
                </>
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

const Figure = ({ label, value }: { label: string; value: string | number }) => (
  <div className="mail-health__figure">
    <dt>{label}</dt>
    <dd>{value}</dd>
  </div>
);

const Figures = ({ reading }: { reading: MailHealth_ReadingFragment }) => (
  <div className="mail-health__figures">
    <section aria-labelledby="mail-health-in">
      <h2 id="mail-health-in">Incoming, last 24 hours</h2>
      <dl>
        <Figure label="Waiting to be processed" value={reading.inbound.backlog} />
        <Figure label="Oldest waiting" value={duration(reading.inbound.oldestWaitingSeconds)} />
        <Figure label="Received" value={reading.inbound.received24h} />
        <Figure label="Rejected" value={`${reading.inbound.rejected24h} (${percent(reading.inbound.rejectionRate)})`} />
        <Figure label="Quarantined" value={reading.inbound.quarantined24h} />
        <Figure label="Bounces" value={reading.inbound.bounces24h} />
      </dl>
    </section>
    <section aria-labelledby="mail-health-out">
      <h2 id="mail-health-out">Outgoing, last 24 hours</h2>
      <dl>
        <Figure label="Waiting to be sent" value={reading.outbound.backlog} />
        <Figure label="Oldest waiting" value={duration(reading.outbound.oldestQueuedSeconds)} />
        <Figure label="Sent" value={reading.outbound.sent24h} />
        <Figure label="Failed" value={reading.outbound.failed24h} />
        <Figure label="Bounce rate" value={percent(reading.outbound.bounceRate)} />
      </dl>
    </section>
  </div>
);

const SERIES: { key: keyof Omit<MailHealth_PointFragment, "at" | "__typename">; label: string; color: string }[] = [
  { key: "received", label: "Received", color: "#1d62b5" },
  { key: "rejected", label: "Rejected", color: "#b32424" },
  { key: "quarantined", label: "Quarantined", color: "#7a4a00" },
  { key: "sent", label: "Sent", color: "#16683a" },
  { key: "failed", label: "Failed to send", color: "#5343a8" },
];

const History = ({
  title,
  points,
  spanSeconds,
}: {
  title: string;
  points: MailHealth_PointFragment[];
  spanSeconds: number;
}) => {
  const { times, series, summary } = useMemo(() => {
    const totals = SERIES.map((s) => `${s.label}: ${points.reduce((n, p) => n + p[s.key], 0)}`);
    return {
      times: points.map((p) => new Date(p.at).getTime() / 1000),
      series: SERIES.map((s) => ({ label: s.label, color: s.color, values: points.map((p) => p[s.key]) })),
      summary: `Totals — ${totals.join(", ")}.`,
    };
  }, [points]);
  return <HealthChart title={title} times={times} series={series} summary={summary} spanSeconds={spanSeconds} />;
};
