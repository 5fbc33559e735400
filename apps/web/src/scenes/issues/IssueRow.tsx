import { forwardRef } from "react";
import { Link } from "react-router";
import { issuePath } from "../../app/paths.ts";
import { ConfidentialBadge, LabelPill, StateBadge } from "../../components/Badges.tsx";
import { Time } from "../../components/time.tsx";
import type { IssueRow_IssueFragment } from "../../graphql/__generated__/graphql.ts";
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

type Props = {
  issue: IssueRow_IssueFragment;
  projectPath: string;
  showState: boolean;
  /** Issue 10.3: a checkbox for bulk actions (Reporter+). */
  selection?: { selected: boolean; onToggle: () => void } | null;
};

export const IssueRow = forwardRef<HTMLAnchorElement, Props>(({ issue, projectPath, showState, selection }, ref) => {
  const from =
    issue.externalAuthor && (!issue.author || issue.author.username === SUPPORT_BOT)
      ? issue.externalAuthor
      : issue.author
        ? `@${issue.author.username}`
        : "a deleted user";
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
        <Link ref={ref} to={issuePath(projectPath, issue.iid)} className="issue-row__title">
          {issue.title}
        </Link>
        <div className="issue-row__meta">
          <span>#{issue.iid}</span>
          <span>
            created <Time iso={issue.createdAt} /> by <span className="issue-row__author">{from}</span>
          </span>
          {issue.labels.nodes.length ? (
            <span className="issue-row__labels">
              {issue.labels.nodes.map((l) => (
                <LabelPill key={l.title} title={l.title} />
              ))}
            </span>
          ) : null}
        </div>
        <SearchSnippet issue={issue} />
      </div>
      <div className="issue-row__side">
        {issue.needsReply && issue.waitingSince ? (
          <span className="badge badge--needs-reply" title="A customer message waits for a public answer">
            Needs reply · waiting {waitedFor(issue.waitingSince)}
          </span>
        ) : null}
        {showState ? <StateBadge state={issue.state} /> : null}
        {issue.confidential ? <ConfidentialBadge /> : null}
        {issue.assignees.nodes.length ? (
          <span className="issue-row__assignees">
            <span className="visually-hidden">Assignees: </span>
            {issue.assignees.nodes.map((a) => `@${a.username}`).join(", ")}
          </span>
        ) : null}
        <span className="issue-row__updated">
          updated <Time iso={issue.updatedAt} />
        </span>
      </div>
    </li>
  );
});
IssueRow.displayName = "IssueRow";
