// Issue 13.4: instance admins see a banner on every page while mail is failing — the canary has not come
// back, or a mailbox cannot be read — with the way to Mail health. Others get nothing (the query is null).
import { useQuery } from "@apollo/client/react";
import { Link } from "react-router";
import { MailAlertDocument } from "./__generated__/shell.ts";
import { mailHealthPath } from "./paths.ts";

export const MailAlertBanner = ({ admin, projectPath }: { admin: boolean; projectPath: string | null }) => {
  const { data } = useQuery(MailAlertDocument, {
    skip: !admin,
    pollInterval: 60_000,
    fetchPolicy: "cache-and-network",
  });
  const failing = (data?.mailHealth?.channels ?? []).filter(
    (c) => c.state === "FAILING" && (c.kind === "CANARY" || c.kind === "IMAP" || c.kind === "GRAPH"),
  );
  if (failing.length === 0) return null;
  const canary = failing.some((c) => c.kind === "CANARY");
  return (
    <div className="mail-alert" role="alert">
      {canary
        ? "Mail may not be arriving: the canary probe has not come back. "
        : `Mail is not being read: ${failing.map((c) => c.name).join(", ")} failing. `}
      {projectPath ? <Link to={mailHealthPath(projectPath)}>Open Mail health</Link> : "Open Mail health in a project."}
    </div>
  );
};
