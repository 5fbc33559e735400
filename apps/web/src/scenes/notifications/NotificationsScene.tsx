// Issue 10.2: the inbox — what customers did that the viewer should hear of, newest first, unread in bold —
// and the viewer's notification level on each project (watch / assigned / none), and desktop notifications.
import { useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";
import { Link } from "react-router";
import { FRESH_FETCHES } from "../../app/live-refetch.ts";
import { issuePath } from "../../app/paths.ts";
import { ErrorState, errorMessage, LoadingState } from "../../components/States.tsx";
import { Time } from "../../components/time.tsx";
import type { NotificationLevel } from "../../graphql/__generated__/schema.ts";
import { Feedback, useAction } from "../team/useAction.tsx";
import {
  NotificationSettingUpdateDocument,
  NotificationsMarkReadDocument,
  NotificationsSceneDocument,
} from "./__generated__/notifications.ts";

const LEVELS: { value: NotificationLevel; label: string }[] = [
  { value: "WATCH", label: "Every new ticket and customer reply" },
  { value: "ASSIGNED", label: "Only tickets assigned to me" },
  { value: "DISABLED", label: "None" },
];

export const NotificationsScene = () => {
  const { data, loading, error, refetch } = useQuery(NotificationsSceneDocument, {
    fetchPolicy: "cache-and-network",
    context: FRESH_FETCHES,
  });
  const [markRead] = useMutation(NotificationsMarkReadDocument, { refetchQueries: ["NotificationBell"] });
  if (!data && loading) return <LoadingState label="Loading notifications…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  const inbox = data?.notifications;
  const nodes = inbox?.nodes ?? [];
  const projects = (data?.projects.nodes ?? []).filter((p) => p.notificationLevel !== null);
  const readAll = async () => {
    await markRead({ variables: { input: { all: true } } });
    await refetch();
  };

  return (
    <section aria-labelledby="inbox-title" className="inbox">
      <div className="page-header">
        <h1 id="inbox-title">Notifications</h1>
        <span className="muted" role="status">
          {inbox?.unreadCount ? `${inbox.unreadCount} unread` : "All read"}
        </span>
        {inbox?.unreadCount ? (
          <button type="button" className="btn btn--small" onClick={() => void readAll()}>
            Mark all as read
          </button>
        ) : null}
      </div>
      {nodes.length === 0 ? (
        <p className="empty-state">
          Nothing yet. New tickets and customer replies show here when they are assigned to you, or when you watch a
          project below.
        </p>
      ) : (
        <ul className="inbox__list" aria-label="Notifications">
          {nodes.map((n) => (
            <li key={n.id} className={`inbox__item${n.readAt ? "" : " is-unread"}`}>
              <Link
                to={issuePath(n.projectPath, n.issue.iid)}
                onClick={() => void markRead({ variables: { input: { ids: [n.id] } } })}
              >
                <span className="inbox__what">
                  {n.kind === "NEW_TICKET" ? "New ticket" : "Customer replied"}
                  {n.readAt ? null : <span className="visually-hidden"> (unread)</span>}
                </span>
                <span className="inbox__title">
                  {n.issue.title} <span className="muted">{`${n.projectPath}#${n.issue.iid}`}</span>
                </span>
                <span className="inbox__meta muted">
                  {n.reason === "ASSIGNED" ? "assigned to you" : "you watch this project"} ·{" "}
                  <Time iso={n.createdAt as string} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <NotificationSettings projects={projects} />
    </section>
  );
};

type ProjectLevel = { id: string; fullPath: string; name: string; notificationLevel?: NotificationLevel | null };

const NotificationSettings = ({ projects }: { projects: ProjectLevel[] }) => {
  const [update] = useMutation(NotificationSettingUpdateDocument, { refetchQueries: ["NotificationsScene"] });
  const action = useAction();
  return (
    <section aria-labelledby="notification-settings" className="card inbox__settings">
      <h2 id="notification-settings">Email and bell notifications</h2>
      <p className="muted">
        Each notification is also emailed to you. Reply to that email to answer the customer: your reply is posted as
        your public comment.
      </p>
      {projects.length === 0 ? <p className="muted">You are not a Reporter or above on any project.</p> : null}
      {projects.map((p) => (
        <div key={p.id} className="inbox__level">
          <label htmlFor={`level-${p.id}`}>{p.fullPath}</label>
          <select
            id={`level-${p.id}`}
            value={p.notificationLevel ?? "ASSIGNED"}
            disabled={action.busy}
            onChange={(e) => {
              const level = e.target.value as NotificationLevel;
              void action.run(
                async () =>
                  (await update({ variables: { input: { projectPath: p.fullPath, level } } })).data
                    ?.notificationSettingUpdate.errors,
                `${p.fullPath}: ${LEVELS.find((l) => l.value === level)?.label ?? level}.`,
              );
            }}
          >
            {LEVELS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </div>
      ))}
      <Feedback errors={action.errors} done={action.done} />
      <DesktopNotifications />
    </section>
  );
};

const DesktopNotifications = () => {
  const supported = typeof Notification !== "undefined";
  const [permission, setPermission] = useState(supported ? Notification.permission : "denied");
  if (!supported) return null;
  return (
    <p className="inbox__desktop">
      {permission === "granted" ? (
        "Desktop notifications are on for this browser while Tidings is open in a background tab."
      ) : permission === "denied" ? (
        "Desktop notifications are blocked for this site in your browser's settings."
      ) : (
        <button
          type="button"
          className="btn btn--small"
          onClick={() => void Notification.requestPermission().then(setPermission)}
        >
          Turn on desktop notifications
        </button>
      )}
    </p>
  );
};
