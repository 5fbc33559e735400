import { forwardRef } from "react";
import { Link } from "react-router";
import { issuePath } from "../../app/paths.ts";
import { ConfidentialBadge, LabelPill, StateBadge } from "../../components/Badges.tsx";
import { Age } from "../../components/time.tsx";
import type { IssueRow_IssueFragment } from "./__generated__/issues.ts";
import { SUPPORT_BOT } from "./filters.ts";
import { SearchSnippet } from "./SearchSnippet.tsx";

/** "3 min", "5 h", "2 d": how long the oldest unanswered customer message has waited. */
export const waitedFor = (since: string, now = Date.now()) => {
  const minutes = Math.max(0, Math.floor((now - new Date(since).getTime()) / 60_000));
  if (minutes < 1) return "under 1 min";
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} d`;
};

/** Who asked: the requester's name and address for a Service Desk issue (Reporter+; an obfuscated address below), else the author. */
const requesterOf = (issue: IssueRow_IssueFragment): { name: string | null; address: string } => {
  if (issue.externalAuthor && (!issue.author || issue.author.username === SUPPORT_BOT))
    return { name: issue.requesterName ?? null, address: issue.externalAuthor };
  return { name: null, address: issue.author ? `@${issue.author.username}` : "a deleted user" };
};

const initial = (username: string) =>
  username
    .replace(/^[^a-z0-9]+/i, "")
    .charAt(0)
    .toUpperCase() || "?";

/** The first assignee as an avatar and a name; the others counted ("+2"), all of them named for screen readers. */
const Assignees = ({ usernames }: { usernames: string[] }) =>
  usernames.length ? (
    <span className="issue-row__assignee" title={`Assigned to ${usernames.map((u) => `@${u}`).join(", ")}`}>
      <span className="avatar" aria-hidden="true">
        {initial(usernames[0])}
      </span>
      <span className="visually-hidden">Assigned to </span>
      <span className="issue-row__assignee-name">@{usernames[0]}</span>
      {usernames.length > 1 ? (
        <>
          <span aria-hidden="true"> +{usernames.length - 1}</span>
          <span className="visually-hidden">
            ,{" "}
            {usernames
              .slice(1)
              .map((u) => `@${u}`)
              .join(", ")}
          </span>
        </>
      ) : null}
    </span>
  ) : null;

type Props = {
  issue: IssueRow_IssueFragment;
  projectPath: string;
  showState: boolean;
  /** Issue 10.3: a checkbox for bulk actions (Reporter+). */
  selection?: { selected: boolean; onToggle: () => void } | null;
};

export const IssueRow = forwardRef<HTMLAnchorElement, Props>(({ issue, projectPath, showState, selection }, ref) => {
  const requester = requesterOf(issue);
  return (
    <li
      className={`issue-row${issue.unread ? " issue-row--unread" : ""}${selection?.selected ? " issue-row--selected" : ""}`}
      data-issue-iid={issue.iid}
    >
      {selection ? (
        <input
          type="checkbox"
          className="issue-row__select"
          aria-label={`Select #${issue.iid}`}
          checked={selection.selected}
          onChange={selection.onToggle}
        />
      ) : null}
      <div className="issue-row__main">
        {issue.unread ? (
          <span className="issue-row__unread" title="New activity since you last read it">
            <span className="visually-hidden">Unread</span>
          </span>
        ) : null}
        <Link ref={ref} to={issuePath(projectPath, issue.iid)} className="issue-row__title" title={issue.title}>
          {issue.title}
        </Link>
        <span className="issue-row__iid">#{issue.iid}</span>
        {issue.labels.nodes.length ? (
          <span className="issue-row__labels">
            {issue.labels.nodes.map((l) => (
              <LabelPill key={l.title} title={l.title} />
            ))}
          </span>
        ) : null}
      </div>
      <span
        className="issue-row__requester"
        title={requester.name ? `${requester.name} <${requester.address}>` : requester.address}
      >
        <span className="visually-hidden">From </span>
        {requester.name ? <span className="issue-row__requester-name">{requester.name}</span> : null}
        <span className="issue-row__requester-address">{requester.address}</span>
      </span>
      <div className="issue-row__side">
        {issue.needsReply && issue.waitingSince ? (
          <span className="badge badge--needs-reply" title="A customer message waits for a public answer">
            Needs reply · waiting {waitedFor(issue.waitingSince)}
          </span>
        ) : null}
        {showState ? <StateBadge state={issue.state} /> : null}
        {issue.confidential ? <ConfidentialBadge compact /> : null}
        <Assignees usernames={issue.assignees.nodes.map((a) => a.username)} />
        <span className="issue-row__age">
          <Age iso={issue.createdAt} />
        </span>
      </div>
      <SearchSnippet issue={issue} />
    </li>
  );
});
IssueRow.displayName = "IssueRow";
