import { useMutation } from "@apollo/client/react";
import { type FormEvent, useCallback, useState } from "react";
import { errorMessage } from "../../components/States.tsx";
import type { IssuesBulkUpdateInput } from "../../graphql/__generated__/schema.ts";
import { IssuesBulkUpdateDocument } from "./__generated__/issues.ts";

export type BulkChange = Omit<IssuesBulkUpdateInput, "projectPath" | "iids">;
export type BulkMessage = { kind: "done" | "error"; text: string } | null;

/** The one way the list changes many issues (the bar's buttons and the `e` shortcut). */
export const useBulk = (projectPath: string, onDone: () => void) => {
  const [bulk, { loading }] = useMutation(IssuesBulkUpdateDocument);
  const [message, setMessage] = useState<BulkMessage>(null);
  const run = useCallback(
    async (iids: string[], change: BulkChange, what: string) => {
      try {
        const r = (await bulk({ variables: { input: { projectPath, iids, ...change } } })).data?.issuesBulkUpdate;
        if (r?.errors.length) return setMessage({ kind: "error", text: r.errors.join(" ") });
        const n = r?.updatedCount ?? 0;
        setMessage({ kind: "done", text: `${what} ${n} ${n === 1 ? "issue" : "issues"}.` });
        onDone();
      } catch (err) {
        setMessage({ kind: "error", text: errorMessage(err) });
      }
    },
    [bulk, projectPath, onDone],
  );
  return { run, loading, message };
};

/** Issue 10.3: what to do with the selected issues — one mutation, one transaction. */
export const BulkBar = ({
  selected,
  members,
  bulk,
  onClear,
}: {
  selected: string[];
  members: string[];
  bulk: ReturnType<typeof useBulk>;
  onClear: () => void;
}) => {
  const [label, setLabel] = useState("");
  const [assignee, setAssignee] = useState("");
  const { loading, message } = bulk;
  const run = (change: BulkChange, what: string) => bulk.run(selected, change, what);
  const addLabel = (e: FormEvent) => {
    e.preventDefault();
    if (label.trim()) void run({ addLabels: [label.trim()] }, `Labelled ~${label.trim()}:`);
  };
  return (
    <section className="bulk-bar" aria-label="Bulk actions">
      <strong>{selected.length} selected</strong>
      <button
        type="button"
        className="btn btn--small"
        disabled={loading || !selected.length}
        onClick={() => void run({ stateEvent: "CLOSE" }, "Closed")}
      >
        Close
      </button>
      <button
        type="button"
        className="btn btn--small"
        disabled={loading || !selected.length}
        onClick={() => void run({ stateEvent: "REOPEN" }, "Reopened")}
      >
        Reopen
      </button>
      <form className="bulk-bar__form" onSubmit={addLabel}>
        <label htmlFor="bulk-label">Label</label>
        <input id="bulk-label" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="billing" />
        <button type="submit" className="btn btn--small" disabled={loading || !selected.length || !label.trim()}>
          Add label
        </button>
      </form>
      <label htmlFor="bulk-assignee">Assign</label>
      <select
        id="bulk-assignee"
        value={assignee}
        disabled={loading || !selected.length}
        onChange={(e) => {
          setAssignee(e.target.value);
          if (e.target.value) void run({ assigneeUsernames: [e.target.value] }, `Assigned @${e.target.value} to`);
        }}
      >
        <option value="">Choose…</option>
        {members.map((m) => (
          <option key={m} value={m}>
            @{m}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn--small btn--ghost" onClick={onClear}>
        Clear selection
      </button>
      {message ? (
        <span
          className={message.kind === "error" ? "field-error" : "bulk-bar__done"}
          role={message.kind === "error" ? "alert" : "status"}
        >
          {message.text}
        </span>
      ) : null}
    </section>
  );
};
