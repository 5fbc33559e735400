import { forwardRef } from "react";
import { Link } from "react-router";
import { issuePath } from "../../app/paths.ts";
import { ConfidentialBadge, LabelPill, StateBadge } from "../../components/Badges.tsx";
import { Time } from "../../components/time.tsx";
import type { IssueRow_IssueFragment } from "../../graphql/__generated__/graphql.ts";
import { SUPPORT_BOT } from "./filters.ts";

type Props = { issue: IssueRow_IssueFragment; projectPath: string; showState: boolean };

export const IssueRow = forwardRef<HTMLAnchorElement, Props>(({ issue, projectPath, showState }, ref) => {
  const from =
    issue.externalAuthor && (!issue.author || issue.author.username === SUPPORT_BOT)
      ? issue.externalAuthor
      : issue.author
        ? `@${issue.author.username}`
        : "a deleted user";
  return (
    <li className="issue-row" data-issue-iid={issue.iid}>
      <div className="issue-row__main">
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
      </div>
      <div className="issue-row__side">
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
