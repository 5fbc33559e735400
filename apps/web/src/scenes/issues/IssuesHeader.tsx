import { Link } from "react-router";
import { issuesPath } from "../../app/paths.ts";
import { CopyButton } from "../../components/CopyButton.tsx";
import { PageHeading } from "../../components/States.tsx";
import type { IssueCountsQuery, IssuesSceneQuery } from "./__generated__/issues.ts";
import { formatIssueCount, type IssueFilters, type IssueStateFilter, writeFilters } from "./filters.ts";
import { ViewsMenu } from "./ViewsMenu.tsx";

const STATE_TABS: {
  value: IssueStateFilter;
  label: string;
  countKey: "needsReplyCount" | "openedCount" | "closedCount" | "allCount";
}[] = [
  { value: "needs_reply", label: "Needs reply", countKey: "needsReplyCount" },
  { value: "opened", label: "Open", countKey: "openedCount" },
  { value: "closed", label: "Closed", countKey: "closedCount" },
  { value: "all", label: "All", countKey: "allCount" },
];

/**
 * The count of the list on screen: its state tab's (the tabs are counted with the list's own filters). The
 * list does not count itself, so its rows never wait for a count (issue 14.4: a count can read a thousand
 * matches where the page reads fifty).
 */
export const listCount = (
  counts: NonNullable<IssueCountsQuery["project"]> | null | undefined,
  state: IssueStateFilter,
) => {
  const key = STATE_TABS.find((t) => t.value === state)?.countKey;
  const count = key ? counts?.[key] : null;
  return count ? formatIssueCount(count) : null;
};

/**
 * The list's header in two short lines (issue 10.3), so a 1280×800 screen shows a dozen rows below it: the
 * heading with the type tabs, the Service Desk address behind a disclosure and the saved views; then the
 * state tabs with their counts and the shortcuts hint.
 */
export const IssuesHeader = ({
  projectPath,
  project,
  filters,
  counts,
}: {
  projectPath: string;
  project: Pick<NonNullable<IssuesSceneQuery["project"]>, "name" | "serviceDeskAddress" | "userPermissions">;
  filters: IssueFilters;
  counts: NonNullable<IssueCountsQuery["project"]> | null | undefined;
}) => (
  <>
    <div className="list-head">
      <PageHeading id="issues-title">Issues</PageHeading>
      <span className="muted list-head__project">{project.name}</span>
      <div className="tabs tabs--inline" role="tablist" aria-label="Issue type">
        <Link
          role="tab"
          to={issuesPath(projectPath, writeFilters({ ...filters, tab: "service_desk", author: "" }))}
          className={`tabs__tab${filters.tab === "service_desk" ? " is-active" : ""}`}
          aria-selected={filters.tab === "service_desk"}
        >
          Service Desk
        </Link>
        <Link
          role="tab"
          to={issuesPath(projectPath, writeFilters({ ...filters, tab: "all" }))}
          className={`tabs__tab${filters.tab === "all" ? " is-active" : ""}`}
          aria-selected={filters.tab === "all"}
        >
          All
        </Link>
      </div>
      <div className="list-head__tools">
        {filters.tab === "service_desk" && project.serviceDeskAddress ? (
          <details className="sd-address">
            <summary>Service Desk address</summary>
            <p className="sd-address__panel">
              <span>Customers email </span>
              <code className="sd-address__value">{project.serviceDeskAddress}</code>
              <CopyButton text={project.serviceDeskAddress} label="Copy Service Desk email address" />
            </p>
          </details>
        ) : null}
        <ViewsMenu projectPath={projectPath} filters={filters} canShare={project.userPermissions.adminSharedViews} />
      </div>
    </div>

    <div className="list-bar">
      <div className="state-tabs" role="tablist" aria-label="Issue state">
        {STATE_TABS.map((tab) => {
          const tabCount = counts?.[tab.countKey];
          return (
            <Link
              key={tab.value}
              role="tab"
              to={issuesPath(projectPath, writeFilters({ ...filters, state: tab.value }))}
              className={`state-tabs__tab${filters.state === tab.value ? " is-active" : ""}`}
              aria-selected={filters.state === tab.value}
            >
              {tab.label}
              <span className="count">{tabCount ? formatIssueCount(tabCount) : "–"}</span>
            </Link>
          );
        })}
      </div>
      <p className="shortcuts-hint muted">
        <kbd>?</kbd> keyboard shortcuts
      </p>
    </div>
  </>
);
