import { useMutation } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { issuePath } from "../../app/paths.ts";
import { LabelPill } from "../../components/Badges.tsx";
import { errorMessage } from "../../components/States.tsx";
import { ParticipantsBlock, RequesterBlock, type RequesterContext } from "./CustomerContext.tsx";
import type { UpdateIssueInput } from "../../graphql/__generated__/schema.ts";
import { IssueMoveDocument, type ThreadIssue_IssueFragment, UpdateIssueDocument } from "./__generated__/thread.ts";
import { ErrorList } from "../../components/Feedback.tsx";

const splitList = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim().replace(/^@/, ""))
    .filter(Boolean);

type Props = {
  /** Reporter+: labels, assignees, confidentiality and move. */
  canUpdate: boolean;
  projectPath: string;
  /** The project's labels and members, for the pickers (labels on the issue but not in the project are kept). */
  projectLabels: string[];
  projectMembers: { username: string; name: string }[];
  issue: ThreadIssue_IssueFragment;
  projects: { id: string; fullPath: string; name: string }[];
  requester: RequesterContext;
};

export const IssueSidebar = ({
  canUpdate,
  projectPath,
  issue,
  projects,
  projectLabels,
  projectMembers,
  requester,
}: Props) => {
  const labels = [...new Set([...projectLabels, ...issue.labels.nodes.map((l) => l.title)])].sort((a, b) =>
    a.localeCompare(b),
  );
  const members = [
    ...projectMembers,
    ...issue.assignees.nodes
      .filter((a) => !projectMembers.some((m) => m.username === a.username))
      .map((a) => ({ username: a.username, name: "" })),
  ];
  const navigate = useNavigate();
  const [updateIssue, { loading: updating }] = useMutation(UpdateIssueDocument);
  const [moveIssue, { loading: moving }] = useMutation(IssueMoveDocument);
  const [errors, setErrors] = useState<string[]>([]);
  const [editing, setEditing] = useState<"labels" | "assignees" | null>(null);
  const [target, setTarget] = useState("");

  const update = async (change: Omit<UpdateIssueInput, "projectPath" | "iid">) => {
    try {
      const result = await updateIssue({ variables: { input: { projectPath, iid: issue.iid, ...change } } });
      const problems = result.data?.updateIssue.errors ?? [];
      setErrors(problems);
      return problems.length === 0;
    } catch (err) {
      setErrors([errorMessage(err)]);
      return false;
    }
  };

  const handleLabelsSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const chosen = form.getAll("label").map(String);
    const added = splitList(String(form.get("newLabels") ?? ""));
    if (await update({ labels: [...new Set([...chosen, ...added])] })) setEditing(null);
  };
  const handleAssigneesSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const chosen = new FormData(event.currentTarget).getAll("assignee").map(String);
    if (await update({ assigneeUsernames: chosen })) setEditing(null);
  };

  const handleMove = async (event: FormEvent) => {
    event.preventDefault();
    if (!target) return;
    if (!window.confirm(`Move issue #${issue.iid} to ${target}?`)) return;
    try {
      const result = await moveIssue({
        variables: { input: { projectPath, iid: issue.iid, targetProjectPath: target } },
      });
      const payload = result.data?.issueMove;
      if (payload?.errors.length) setErrors(payload.errors);
      else if (payload?.issue) navigate(issuePath(target, payload.issue.iid));
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };

  const otherProjects = projects.filter((p) => p.fullPath !== projectPath);
  return (
    <aside className="sidebar" aria-label="Issue details">
      <RequesterBlock requester={requester} projectPath={projectPath} />
      <ErrorList errors={errors} />
      <div className="sidebar__block">
        <div className="sidebar__heading">
          <h2 id="assignees-title">Assignees</h2>
          <button
            type="button"
            className="link-button"
            hidden={!canUpdate}
            aria-expanded={editing === "assignees"}
            onClick={() => setEditing(editing === "assignees" ? null : "assignees")}
          >
            {editing === "assignees" ? "Cancel" : "Edit"}
            <span className="visually-hidden"> assignees</span>
          </button>
        </div>
        {editing === "assignees" ? (
          <form onSubmit={handleAssigneesSubmit} className="sidebar__form">
            <fieldset className="picker">
              <legend>Assign to</legend>
              {members.length === 0 ? <p className="muted">No project members.</p> : null}
              {members.map((m) => (
                <label key={m.username} className="checkbox">
                  <input
                    type="checkbox"
                    name="assignee"
                    value={m.username}
                    defaultChecked={issue.assignees.nodes.some((a) => a.username === m.username)}
                  />
                  <span>
                    @{m.username} <span className="muted">{m.name}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <button type="submit" className="btn btn--small btn--primary" disabled={updating}>
              Save assignees
            </button>
          </form>
        ) : issue.assignees.nodes.length ? (
          <ul className="plain-list" aria-labelledby="assignees-title">
            {issue.assignees.nodes.map((a) => (
              <li key={a.username}>@{a.username}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">None</p>
        )}
      </div>

      <div className="sidebar__block">
        <div className="sidebar__heading">
          <h2 id="labels-title">Labels</h2>
          <button
            type="button"
            className="link-button"
            hidden={!canUpdate}
            aria-expanded={editing === "labels"}
            onClick={() => setEditing(editing === "labels" ? null : "labels")}
          >
            {editing === "labels" ? "Cancel" : "Edit"}
            <span className="visually-hidden"> labels</span>
          </button>
        </div>
        {editing === "labels" ? (
          <form onSubmit={handleLabelsSubmit} className="sidebar__form">
            {labels.length ? (
              <fieldset className="picker">
                <legend>Project labels</legend>
                {labels.map((title) => (
                  <label key={title} className="checkbox">
                    <input
                      type="checkbox"
                      name="label"
                      value={title}
                      defaultChecked={issue.labels.nodes.some((l) => l.title === title)}
                    />
                    <LabelPill title={title} />
                  </label>
                ))}
              </fieldset>
            ) : null}
            <label htmlFor="labels-input">New labels, comma-separated</label>
            <input id="labels-input" name="newLabels" />
            <button type="submit" className="btn btn--small btn--primary" disabled={updating}>
              Save labels
            </button>
          </form>
        ) : issue.labels.nodes.length ? (
          <div className="label-row">
            {issue.labels.nodes.map((l) => (
              <LabelPill key={l.title} title={l.title} />
            ))}
          </div>
        ) : (
          <p className="muted">None</p>
        )}
      </div>

      <div className="sidebar__block">
        <div className="sidebar__heading">
          <h2>Confidentiality</h2>
        </div>
        <p className="muted">
          {issue.confidential
            ? "Only Reporters and above can see this issue."
            : "Everyone with access to the project can see this issue."}
        </p>
        <button
          type="button"
          className="btn btn--small"
          hidden={!canUpdate}
          disabled={updating}
          onClick={() => update({ confidential: !issue.confidential })}
        >
          {issue.confidential ? "Turn off confidentiality" : "Turn on confidentiality"}
        </button>
      </div>

      <ParticipantsBlock issue={issue} projectPath={projectPath} canUpdate={canUpdate} />

      {canUpdate && otherProjects.length ? (
        <form className="sidebar__block sidebar__form" onSubmit={handleMove}>
          <div className="sidebar__heading">
            <h2>Move issue</h2>
          </div>
          <label htmlFor="move-target">Target project</label>
          <select id="move-target" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">Select a project</option>
            {otherProjects.map((p) => (
              <option key={p.id} value={p.fullPath}>
                {p.fullPath}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn--small" disabled={!target || moving}>
            {moving ? "Moving…" : "Move"}
          </button>
        </form>
      ) : null}
    </aside>
  );
};
