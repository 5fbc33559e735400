import { useQuery } from "@apollo/client/react";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { IssueFilterOptionsDocument } from "./__generated__/issues.ts";
import { type IssueFilters, SORTS } from "./filters.ts";

/**
 * Search, label, assignee and author (All tab) are applied with Enter or "Apply"; sort applies at once. One line
 * on a wide screen (issue 10.3): the labels are for screen readers, the placeholders say the same on screen.
 */
export const IssueFilterBar = ({
  projectPath,
  filters,
  onChange,
}: {
  projectPath: string;
  filters: IssueFilters;
  onChange: (change: Partial<IssueFilters>) => void;
}) => {
  // Suggestions for the label, assignee and author inputs (a datalist: typing stays possible).
  const options = useQuery(IssueFilterOptionsDocument, { variables: { fullPath: projectPath } }).data?.project;
  const usernames = options?.projectMembers.nodes.map((m) => m.user.username) ?? [];
  const formRef = useRef<HTMLFormElement>(null);
  // On a phone only search shows until "More filters" is pressed (CSS decides; wide screens show all).
  const [expanded, setExpanded] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);

  // Keep the inputs in step with the URL (back/forward, tab links).
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const set = (name: string, value: string) => {
      const input = form.elements.namedItem(name) as HTMLInputElement | null;
      if (input) input.value = value;
    };
    set("search", filters.search);
    set("label", filters.labels.join(", "));
    set("assignee", filters.assignee);
    set("author", filters.author);
  }, [filters]);

  // "/" focuses the search box, as in GitLab.
  useEffect(() => {
    const handleKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.key !== "/" || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable) return;
      event.preventDefault();
      searchRef.current?.focus();
    };
    document.addEventListener("keydown", handleKey);
    return () => document.removeEventListener("keydown", handleKey);
  }, []);

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    onChange({
      search: text("search"),
      labels: text("label")
        .split(",")
        .map((l) => l.trim())
        .filter(Boolean),
      assignee: text("assignee"),
      author: text("author"),
    });
  };

  const active = filters.search || filters.labels.length || filters.assignee || filters.author;
  return (
    <form
      ref={formRef}
      className={`filter-bar${expanded ? " is-expanded" : ""}`}
      aria-label="Filter issues"
      onSubmit={handleSubmit}
    >
      <div className="field field--grow">
        <label htmlFor="issue-search" className="visually-hidden">
          Search
        </label>
        <input
          ref={searchRef}
          id="issue-search"
          name="search"
          type="search"
          placeholder="Search text, comments or customer"
          defaultValue={filters.search}
        />
      </div>
      <div className="field filter-bar__extra">
        <label htmlFor="issue-label" className="visually-hidden">
          Label
        </label>
        <input
          id="issue-label"
          name="label"
          list="issue-label-options"
          placeholder="Labels, e.g. bug"
          defaultValue={filters.labels.join(", ")}
        />
        <datalist id="issue-label-options">
          {options?.labels.nodes.map((l) => (
            <option key={l.id} value={l.title} />
          ))}
        </datalist>
      </div>
      <div className="field filter-bar__extra">
        <label htmlFor="issue-assignee" className="visually-hidden">
          Assignee
        </label>
        <input
          id="issue-assignee"
          name="assignee"
          list="issue-member-options"
          placeholder="Assignee"
          defaultValue={filters.assignee}
        />
        <datalist id="issue-member-options">
          {usernames.map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
      </div>
      {filters.tab === "all" ? (
        <div className="field filter-bar__extra">
          <label htmlFor="issue-author" className="visually-hidden">
            Author
          </label>
          <input
            id="issue-author"
            name="author"
            list="issue-member-options"
            placeholder="Author"
            defaultValue={filters.author}
          />
        </div>
      ) : null}
      <div className="field filter-bar__extra filter-bar__sort">
        <label htmlFor="issue-sort" className="visually-hidden">
          Sort by
        </label>
        <select
          id="issue-sort"
          value={filters.sort}
          onChange={(e) => {
            const sort = SORTS.find((s) => s.value === e.target.value)?.value;
            if (sort) onChange({ sort });
          }}
        >
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="filter-bar__actions">
        <button
          type="button"
          className="btn btn--ghost filter-bar__more"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? "Fewer filters" : "More filters"}
        </button>
        <button type="submit" className="btn btn--primary">
          Apply
        </button>
        {active ? (
          <button
            type="button"
            className="btn btn--ghost"
            onClick={() => onChange({ search: "", labels: [], assignee: "", author: "" })}
          >
            Clear
          </button>
        ) : null}
      </div>
    </form>
  );
};
