import { useQuery } from "@apollo/client/react";
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { Subject, throttleTime } from "rxjs";
import { FRESH_FETCHES, useRefetchAfterRacedEvent } from "../../app/live-refetch.ts";
import { ErrorState, errorMessage, LoadingState, ProjectNotFound, usePageTitle } from "../../components/States.tsx";
import {
  IssueCountsDocument,
  IssueCreatedDocument,
  IssueFilterOptionsDocument,
  type IssueRow_IssueFragment,
  IssuesSceneDocument,
  type IssuesSceneQuery,
  IssueUpdatedDocument,
} from "./__generated__/issues.ts";
import { BulkBar, useBulk } from "./BulkBar.tsx";
import {
  filterVariables,
  hasNarrowingFilters,
  type IssueFilters,
  matchesFilters,
  readFilters,
  stateVariable,
  writeFilters,
} from "./filters.ts";
import { IssueFilterBar } from "./IssueFilterBar.tsx";
import { IssueRow } from "./IssueRow.tsx";
import { IssuesHeader, listCount } from "./IssuesHeader.tsx";

/** The tab counts are per state: every filter but the "needs reply" one. */
const countVariables = (filters: IssueFilters) => {
  const { needsReply: _shownAsTab, ...rest } = filterVariables(filters);
  return rest;
};

export const PAGE_SIZE = 50;

/** The least time between two re-reads of the tab counts caused by live events. */
const COUNTS_REFRESH_MS = 2_000;

type IssuesPage = NonNullable<NonNullable<IssuesSceneQuery["project"]>["issues"]>;

/**
 * Inserts or removes a live issue in the cached list so it matches the filters on screen; `undefined` when
 * there is nothing to write. A list that is not completely in the cache (while it is fetched again, Apollo
 * hands the update the partial data it has, or none) is left alone: writing that back was what logged
 * "Missing field" for every field the cache did not hold.
 */
export const applyLiveIssue = (
  prev: IssuesSceneQuery | null | undefined,
  issue: IssueRow_IssueFragment | null | undefined,
  filters: IssueFilters,
  complete = true,
): IssuesSceneQuery | undefined => {
  const list = prev?.project?.issues;
  if (!complete || !prev || !issue || !prev.project || !list) return undefined;
  const present = list.nodes.some((n) => n.id === issue.id);
  const fits = matchesFilters(issue, filters);
  let next: IssuesPage;
  if (fits && !present) {
    const descending = filters.sort.endsWith("_DESC");
    if (!descending && list.pageInfo.hasNextPage) return undefined; // it belongs on a later page
    next = { ...list, nodes: descending ? [issue, ...list.nodes] : [...list.nodes, issue] };
  } else if (!fits && present) {
    next = { ...list, nodes: list.nodes.filter((n) => n.id !== issue.id) };
  } else {
    return undefined;
  }
  return { ...prev, project: { ...prev.project, issues: next } };
};

/**
 * Whether a live issue can change the list on screen: it fits the filters, or it is on the list (it may
 * have left it). A list the cache holds only partly (while it is fetched) cannot say: yes.
 */
export const concernsList = (
  prev: IssuesSceneQuery | null | undefined,
  issue: IssueRow_IssueFragment | null | undefined,
  filters: IssueFilters,
  complete = true,
): boolean => {
  if (!issue) return false;
  const list = prev?.project?.issues;
  if (!complete || !list) return true;
  return matchesFilters(issue, filters) || list.nodes.some((n) => n.id === issue.id);
};

export const IssuesScene = ({ projectPath }: { projectPath: string }) => {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const listVariables = {
    fullPath: projectPath,
    state: stateVariable(filters),
    sort: filters.sort,
    first: PAGE_SIZE,
    ...filterVariables(filters),
  };
  const { data, loading, error, refetch, fetchMore, subscribeToMore, observable, networkStatus } = useQuery(
    IssuesSceneDocument,
    {
      variables: listVariables,
      // Show the cached list at once, then refresh: issues change while the responder is in a thread.
      fetchPolicy: "cache-and-network",
      nextFetchPolicy: "cache-first",
      notifyOnNetworkStatusChange: true,
      context: FRESH_FETCHES,
    },
  );
  // An issue created or changed while the list is fetched again (after a bulk action, a lost socket) can be
  // missing from that answer: the list is fetched once more after it.
  const eventReceived = useRefetchAfterRacedEvent(observable, networkStatus, refetch);
  const counts = useQuery(IssueCountsDocument, {
    variables: { fullPath: projectPath, ...countVariables(filters) },
    fetchPolicy: "cache-and-network",
    nextFetchPolicy: "cache-first",
    context: FRESH_FETCHES,
  });
  const project = data?.project;
  usePageTitle(`${filters.tab === "service_desk" ? "Service Desk issues" : "Issues"} · ${projectPath}`);

  // Live: new and changed issues enter or leave the list on screen; the tab counts are re-read.
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const refetchCounts = counts.refetch;
  useEffect(() => {
    // The counts are re-read at once, then at most once per COUNTS_REFRESH_MS while events keep coming (the
    // last event always re-reads them): a burst of new mail otherwise kept every open list re-counting.
    const countsChanged = new Subject<void>();
    const recount = countsChanged
      .pipe(throttleTime(COUNTS_REFRESH_MS, undefined, { leading: true, trailing: true }))
      .subscribe(() => void refetchCounts());
    // A new or changed issue: the list may have to fetch again (it crossed a fetch), the counts are re-read,
    // and the issue enters or leaves the list on screen.
    const onLiveIssue = (
      prev: IssuesSceneQuery | undefined,
      issue: IssueRow_IssueFragment | null | undefined,
      complete: boolean,
    ) => {
      if (concernsList(prev, issue, filtersRef.current, complete)) eventReceived();
      countsChanged.next();
      return applyLiveIssue(prev, issue, filtersRef.current, complete);
    };
    const onCreated = subscribeToMore({
      document: IssueCreatedDocument,
      variables: { projectPath },
      updateQuery: (prev, { subscriptionData, complete }) =>
        onLiveIssue(prev as IssuesSceneQuery | undefined, subscriptionData.data?.issueCreated, complete),
    });
    const onUpdated = subscribeToMore({
      document: IssueUpdatedDocument,
      variables: { projectPath },
      updateQuery: (prev, { subscriptionData, complete }) =>
        onLiveIssue(prev as IssuesSceneQuery | undefined, subscriptionData.data?.issueUpdated, complete),
    });
    return () => {
      recount.unsubscribe();
      onCreated();
      onUpdated();
    };
  }, [subscribeToMore, projectPath, refetchCounts, eventReceived]);

  const rowRefs = useRef<(HTMLAnchorElement | null)[]>([]);
  // Issue 10.3: selection for bulk actions, and shortcuts that work without tabbing into the list first.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [help, setHelp] = useState(false);
  const toggle = useCallback(
    (iid: string) =>
      setSelected((prev) => {
        const next = new Set(prev);
        if (next.has(iid)) next.delete(iid);
        else next.add(iid);
        return next;
      }),
    [],
  );
  const refreshAfterBulk = useCallback(() => {
    setSelected(new Set());
    void refetch();
    void refetchCounts();
  }, [refetch, refetchCounts]);
  const bulk = useBulk(projectPath, refreshAfterBulk);
  const filterOptions = useQuery(IssueFilterOptionsDocument, { variables: { fullPath: projectPath } }).data?.project;
  const canBulk = data?.project?.userPermissions.updateIssue ?? false;
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable)) return;
      const rows = rowRefs.current.filter(Boolean) as HTMLAnchorElement[];
      const current = rows.indexOf(document.activeElement as HTMLAnchorElement);
      const iidOf = (el: HTMLAnchorElement | undefined) => el?.closest("li")?.getAttribute("data-issue-iid") ?? null;
      if (event.key === "?") {
        setHelp((open) => !open);
      } else if (event.key === "Escape") {
        setHelp(false);
      } else if (event.key === "j" || event.key === "k") {
        const next = current < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, current + (event.key === "j" ? 1 : -1)));
        rows[next]?.focus();
      } else if (event.key === "o" && current >= 0) {
        rows[current].click();
      } else if (event.key === "x" && current >= 0 && canBulk) {
        const iid = iidOf(rows[current]);
        if (iid) toggle(iid);
      } else if (event.key === "e" && canBulk) {
        const iids = selected.size ? [...selected] : [iidOf(rows[current])].filter((x): x is string => !!x);
        if (iids.length) void bulk.run(iids, { stateEvent: "CLOSE" }, "Closed");
      } else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [canBulk, selected, toggle, bulk.run]);
  const handleListKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const keys = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 } as Record<string, number>;
    const step = keys[event.key];
    if (!step || event.altKey || event.ctrlKey || event.metaKey) return;
    const rows = rowRefs.current.filter(Boolean) as HTMLAnchorElement[];
    const current = rows.indexOf(document.activeElement as HTMLAnchorElement);
    const next = Math.min(rows.length - 1, Math.max(0, current + step));
    rows[next]?.focus();
    event.preventDefault();
  };

  const update = (change: Partial<IssueFilters>) => setParams(writeFilters({ ...filters, ...change }));

  if (!data && loading) return <LoadingState label="Loading issues…" />;
  // A list the api refused (a search too long, too many labels…) keeps its filter bar: the person mends the
  // filter where they typed it, rather than on a page with no way back but the browser's.
  if (!data && error)
    return (
      <>
        <IssueFilterBar projectPath={projectPath} filters={filters} onChange={update} />
        <ErrorState title="These issues could not be listed" message={errorMessage(error)} onRetry={() => refetch()} />
      </>
    );
  if (!project) return <ProjectNotFound />;
  const issues = project.issues;
  // An issue changed elsewhere (e.g. closed in its thread) leaves the list at once, before the refresh lands.
  const nodes = (issues?.nodes ?? []).filter((n) =>
    filters.state === "needs_reply" ? n.needsReply : filters.state === "all" || n.state === filters.state,
  );
  const countsProject = counts.data?.project;
  const total = listCount(countsProject, filters.state);

  return (
    <section aria-labelledby="issues-title">
      <IssuesHeader projectPath={projectPath} project={project} filters={filters} counts={countsProject} />

      <IssueFilterBar projectPath={projectPath} filters={filters} onChange={update} />

      {error ? (
        <p className="alert alert--error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}

      {/* Outside the list: closing every shown issue empties it, and the result must still be read. */}
      {canBulk && (selected.size > 0 || bulk.message) ? (
        <BulkBar
          selected={[...selected]}
          members={filterOptions?.projectMembers.nodes.map((m) => m.user.username) ?? []}
          bulk={bulk}
          onClear={() => setSelected(new Set())}
        />
      ) : null}
      {nodes.length === 0 ? (
        <EmptyIssues filters={filters} address={project.serviceDeskAddress} enabled={project.serviceDeskEnabled} />
      ) : (
        <>
          <p className="visually-hidden" role="status">
            {total ?? nodes.length} issues. Use j and k or the arrow keys to move, Enter to open.
          </p>
          {help ? <ShortcutsHelp onClose={() => setHelp(false)} canBulk={canBulk} /> : null}
          <ul className="issue-list" aria-label="Issues" onKeyDown={handleListKeyDown}>
            {nodes.map((issue, index) => (
              <IssueRow
                key={issue.id}
                ref={(el) => {
                  rowRefs.current[index] = el;
                }}
                issue={issue}
                projectPath={projectPath}
                showState={filters.state !== "opened"}
                selection={canBulk ? { selected: selected.has(issue.iid), onToggle: () => toggle(issue.iid) } : null}
              />
            ))}
          </ul>
          <div className="list-footer">
            <span className="muted">
              Showing {nodes.length}
              {total ? ` of ${total}` : ""}
            </span>
            {issues?.pageInfo.hasNextPage ? (
              <button
                type="button"
                className="btn"
                disabled={loading}
                onClick={() => fetchMore({ variables: { after: issues.pageInfo.endCursor } })}
              >
                {loading ? "Loading…" : "Load more"}
              </button>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
};

const SHORTCUTS: [string, string, boolean][] = [
  ["j / k", "next / previous issue", false],
  ["o or Enter", "open the issue", false],
  ["x", "select or unselect the issue", true],
  ["e", "close the selected issues (or this one)", true],
  ["?", "show or hide this list", false],
];

const ShortcutsHelp = ({ onClose, canBulk }: { onClose: () => void; canBulk: boolean }) => (
  <section className="shortcuts" role="dialog" aria-label="Keyboard shortcuts">
    <h2 className="section-title">Keyboard shortcuts</h2>
    <dl>
      {SHORTCUTS.filter(([, , bulkOnly]) => canBulk || !bulkOnly).map(([key, what]) => (
        <div key={key}>
          <dt>
            <kbd>{key}</kbd>
          </dt>
          <dd>{what}</dd>
        </div>
      ))}
    </dl>
    <button type="button" className="btn btn--small" onClick={onClose}>
      Close
    </button>
  </section>
);

const EmptyIssues = ({
  filters,
  address,
  enabled,
}: {
  filters: IssueFilters;
  address: string | null | undefined;
  enabled: boolean;
}) => {
  if (hasNarrowingFilters(filters) || filters.state !== "opened") {
    return <p className="empty">No issues match these filters.</p>;
  }
  if (filters.tab === "all") return <p className="empty">There are no open issues.</p>;
  return (
    <div className="empty empty--service-desk">
      <h2>Use Service Desk to connect with your users and offer customer support through email</h2>
      {address && enabled ? (
        <p>
          Issues created from Service Desk emails appear here. Customers write to{" "}
          <code className="sd-address__value">{address}</code>
        </p>
      ) : enabled ? (
        <p>Issues created from Service Desk emails appear here.</p>
      ) : (
        <p>Service Desk is not active for this project. A maintainer can activate it in the Service Desk settings.</p>
      )}
    </div>
  );
};
