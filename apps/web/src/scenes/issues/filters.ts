import type {
  IssueListState,
  IssueListTab,
  IssueSort,
  SavedViewFiltersInput,
} from "../../graphql/__generated__/schema.ts";
import type { SavedView_ViewFragment } from "./__generated__/views.ts";

/**
 * The tracker's filters live in the URL (`?tab=all&state=closed&search=…`) so links and reloads keep them.
 * The tab and state words are the api's (IssueListTab, IssueListState: core's lists, which saved views are
 * checked against), so a word the api does not know does not compile here.
 */
export type IssueTab = IssueListTab;
/** `needs_reply` (issue 10.1): issues where a customer waits for an answer, open or closed. */
export type IssueStateFilter = IssueListState;

export type IssueFilters = {
  tab: IssueTab;
  state: IssueStateFilter;
  search: string;
  labels: string[];
  assignee: string;
  author: string;
  sort: IssueSort;
};

export const SUPPORT_BOT = "support-bot";
export const DEFAULT_SORT: IssueSort = "CREATED_DESC";

export const SORTS: { value: IssueSort; label: string }[] = [
  { value: "CREATED_DESC", label: "Created date, newest first" },
  { value: "CREATED_ASC", label: "Created date, oldest first" },
  { value: "UPDATED_DESC", label: "Updated date, newest first" },
  { value: "UPDATED_ASC", label: "Updated date, oldest first" },
  { value: "LAST_CUSTOMER_ACTIVITY_DESC", label: "Customer's last message, newest first" },
];

export const readFilters = (params: URLSearchParams): IssueFilters => {
  const state = params.get("state");
  const sort = params.get("sort");
  return {
    tab: params.get("tab") === "all" ? "all" : "service_desk",
    state: state === "closed" || state === "all" || state === "needs_reply" ? state : "opened",
    search: params.get("search")?.trim() ?? "",
    labels: params.getAll("label").filter(Boolean),
    assignee: params.get("assignee")?.trim() ?? "",
    author: params.get("author")?.trim() ?? "",
    sort: SORTS.find((s) => s.value === sort)?.value ?? DEFAULT_SORT,
  };
};

export const writeFilters = (filters: IssueFilters): URLSearchParams => {
  const params = new URLSearchParams();
  if (filters.tab === "all") params.set("tab", "all");
  if (filters.state !== "opened") params.set("state", filters.state);
  if (filters.search) params.set("search", filters.search);
  for (const label of filters.labels) params.append("label", label);
  if (filters.assignee) params.set("assignee", filters.assignee);
  if (filters.tab === "all" && filters.author) params.set("author", filters.author);
  if (filters.sort !== DEFAULT_SORT) params.set("sort", filters.sort);
  return params;
};

/** GraphQL variables shared by the list and its counts. The Service Desk tab is `authorUsername: "support-bot"`. */
export const filterVariables = (filters: IssueFilters) => ({
  needsReply: filters.state === "needs_reply" ? true : undefined,
  search: filters.search || undefined,
  labelName: filters.labels.length ? filters.labels : undefined,
  assigneeUsernames: filters.assignee ? [filters.assignee.replace(/^@/, "")] : undefined,
  authorUsername: filters.tab === "service_desk" ? SUPPORT_BOT : filters.author.replace(/^@/, "") || undefined,
});

/** The list's `state` argument: "needs reply" spans every state. */
export const stateVariable = (filters: IssueFilters) => (filters.state === "needs_reply" ? "all" : filters.state);

export type MatchableIssue = {
  state: string;
  needsReply?: boolean;
  title: string;
  externalAuthor?: string | null;
  author: { username: string } | null;
  labels: { nodes: { title: string }[] };
  assignees: { nodes: { username: string }[] };
};

/** Whether an issue pushed by a subscription belongs in the list currently shown. */
export const matchesFilters = (issue: MatchableIssue, filters: IssueFilters): boolean => {
  const vars = filterVariables(filters);
  if (filters.state === "needs_reply") {
    if (!issue.needsReply) return false;
  } else if (filters.state !== "all" && issue.state !== filters.state) return false;
  if (vars.authorUsername && issue.author?.username !== vars.authorUsername) return false;
  if (vars.labelName && !vars.labelName.every((l) => issue.labels.nodes.some((n) => n.title === l))) return false;
  if (vars.assigneeUsernames && !issue.assignees.nodes.some((a) => a.username === vars.assigneeUsernames?.[0])) {
    return false;
  }
  if (vars.search) {
    const needle = vars.search.toLowerCase();
    const haystack = `${issue.title} ${issue.externalAuthor ?? ""}`.toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
};

export const hasNarrowingFilters = (filters: IssueFilters) =>
  !!(filters.search || filters.labels.length || filters.assignee || (filters.tab === "all" && filters.author));

/** A list's count as the api gives it: exact up to its cap, then the cap and `countIsExact: false`. */
export type IssueCount = { countCapped: number; countIsExact: boolean };

/** "12", "1,234" or, above the api's cap, "1,000+" (GitLab's way of not counting a big list). */
export const formatIssueCount = (c: IssueCount) => `${c.countCapped.toLocaleString("en")}${c.countIsExact ? "" : "+"}`;

/** Issue 10.3: the filters a saved view stores, from the list's. */
export const toViewFilters = (f: IssueFilters): SavedViewFiltersInput => ({
  tab: f.tab,
  state: f.state,
  search: f.search,
  labelName: f.labels,
  assigneeUsername: f.assignee,
  authorUsername: f.tab === "all" ? f.author : "",
  sort: f.sort,
});

/** The list's URL of a saved view: read back through readFilters, as any link to the list is. */
export const viewParams = (v: SavedView_ViewFragment["filters"]): URLSearchParams =>
  writeFilters({
    tab: v.tab,
    state: v.state,
    search: v.search,
    labels: v.labelName,
    assignee: v.assigneeUsername,
    author: v.authorUsername,
    sort: v.sort,
  });
