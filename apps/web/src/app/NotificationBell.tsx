// Issue 10.2: the bell in the header — the count of unread notifications, live through the
// `notificationReceived` subscription, and (when the person allowed it) a desktop notification while the
// tab is in the background.
import { useApolloClient, useQuery, useSubscription } from "@apollo/client/react";
import { Link } from "react-router";
import {
  NotificationBellDocument,
  NotificationReceivedDocument,
} from "../scenes/notifications/__generated__/notifications.ts";
import "./notifications.css";
import { FRESH_FETCHES } from "./live-refetch.ts";
import { inboxPath, issuePath } from "./paths.ts";

/** The browser's desktop notifications, where they exist and were allowed. */
const desktop = () =>
  typeof Notification !== "undefined" && Notification.permission === "granted" ? Notification : null;

export const NotificationBell = () => {
  const client = useApolloClient();
  const { data } = useQuery(NotificationBellDocument, {
    fetchPolicy: "cache-and-network",
    context: FRESH_FETCHES,
  });
  useSubscription(NotificationReceivedDocument, {
    onData: ({ data: received }) => {
      const n = received.data?.notificationReceived;
      if (!n) return;
      void client.refetchQueries({ include: ["NotificationBell", "NotificationsScene"] });
      const Desktop = desktop();
      if (Desktop && document.hidden) {
        const what = n.kind === "NEW_TICKET" ? "New ticket" : "Customer reply";
        const shown = new Desktop(`${what} #${n.issue.iid}`, { body: n.issue.title, tag: n.id });
        shown.onclick = () => {
          window.focus();
          window.location.assign(issuePath(n.projectPath, n.issue.iid));
        };
      }
    },
  });
  const count = data?.notifications.unreadCount ?? 0;
  const label = count ? `Notifications, ${count} unread` : "Notifications, none unread";
  return (
    <Link to={inboxPath} className="bell" aria-label={label} title={label}>
      <svg className="bell__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count ? (
        <span className="bell__count" aria-hidden="true">
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </Link>
  );
};
