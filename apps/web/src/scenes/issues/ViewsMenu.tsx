import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { issuesPath } from "../../app/paths.ts";
import { errorMessage } from "../../components/States.tsx";
import {
  SavedViewCreateDocument,
  SavedViewDestroyDocument,
  SavedViewsDocument,
  type SavedView_ViewFragment,
} from "./__generated__/views.ts";
import { type IssueFilters, toViewFilters, viewParams, writeFilters } from "./filters.ts";

/** The view whose filters are the list's now, if any (compared as the URL says them). */
const activeView = (views: SavedView_ViewFragment[], filters: IssueFilters) => {
  const current = writeFilters(filters).toString();
  return views.find((v) => viewParams(v.filters).toString() === current) ?? null;
};

/**
 * Issue 10.3: saved views of the list — apply one (a link to the list with its filters), save the
 * current filters as a personal view or, for Maintainer+, a shared one, and delete the ones you may.
 */
export const ViewsMenu = ({
  projectPath,
  filters,
  canShare,
}: {
  projectPath: string;
  filters: IssueFilters;
  canShare: boolean;
}) => {
  const { data, refetch } = useQuery(SavedViewsDocument, { variables: { fullPath: projectPath } });
  const [create, { loading: saving }] = useMutation(SavedViewCreateDocument);
  const [destroy] = useMutation(SavedViewDestroyDocument);
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const views = data?.project?.savedViews ?? [];
  const active = activeView(views, filters);
  const personal = views.filter((v) => v.scope === "personal");
  const shared = views.filter((v) => v.scope !== "personal");

  const handleSave = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    try {
      const input = {
        projectPath,
        name: String(values.get("name") ?? ""),
        shared: values.get("shared") === "on",
        filters: toViewFilters(filters),
      };
      const result = (await create({ variables: { input } })).data?.savedViewCreate;
      setErrors(result?.errors ?? []);
      if (result?.savedView) {
        form.reset();
        await refetch();
      }
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };
  const handleDelete = async (view: SavedView_ViewFragment) => {
    try {
      const result = (await destroy({ variables: { input: { id: view.id } } })).data?.savedViewDestroy;
      setErrors(result?.errors ?? []);
      await refetch();
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };

  const group = (title: string, list: SavedView_ViewFragment[]) =>
    list.length ? (
      <section className="views-menu__group" aria-label={title}>
        <h2 className="views-menu__heading">{title}</h2>
        <ul className="plain-list">
          {list.map((v) => (
            <li key={v.id} className="views-menu__item">
              <Link
                to={issuesPath(projectPath, viewParams(v.filters))}
                aria-current={v.id === active?.id ? "page" : undefined}
                onClick={() => setOpen(false)}
              >
                {v.name}
              </Link>
              {v.canManage ? (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Delete view ${v.name}`}
                  onClick={() => void handleDelete(v)}
                >
                  Delete
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    ) : null;

  return (
    <details
      className="views-menu"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      onKeyDown={(e) => {
        if (e.key !== "Escape" || !open) return;
        setOpen(false);
        e.currentTarget.querySelector("summary")?.focus();
      }}
    >
      <summary className="btn btn--small">{active ? `View: ${active.name}` : "Views"}</summary>
      <div className="views-menu__panel">
        {group("Your views", personal)}
        {group("Shared views", shared)}
        {!data ? <p className="muted">Loading views…</p> : null}
        {data && views.length === 0 ? <p className="muted">No saved views yet.</p> : null}
        <form className="views-menu__save" aria-label="Save current filters as view" onSubmit={handleSave}>
          <label htmlFor="view-name">Save current filters as view…</label>
          <input id="view-name" name="name" maxLength={80} placeholder="e.g. Billing, waiting" required />
          {canShare ? (
            <label className="views-menu__share">
              <input type="checkbox" name="shared" /> Shared with the project
            </label>
          ) : null}
          <button type="submit" className="btn btn--small btn--primary" disabled={saving}>
            Save view
          </button>
          {errors.length ? (
            <div className="field-error" role="alert">
              {errors.map((e) => (
                <p key={e}>{e}</p>
              ))}
            </div>
          ) : null}
        </form>
      </div>
    </details>
  );
};
