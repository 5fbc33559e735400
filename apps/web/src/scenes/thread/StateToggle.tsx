import { useMutation } from "@apollo/client/react";
import { useState } from "react";
import { errorMessage } from "../../components/States.tsx";
import { UpdateIssueDocument } from "./__generated__/thread.ts";

/** Close / Reopen, in the thread's header (as GitLab's). The issue updates in the cache by id. */
export const StateToggle = ({ projectPath, iid, state }: { projectPath: string; iid: string; state: string }) => {
  const [updateIssue, { loading }] = useMutation(UpdateIssueDocument);
  const [errors, setErrors] = useState<string[]>([]);
  const closed = state === "closed";
  const handleClick = async () => {
    try {
      const result = await updateIssue({
        variables: { input: { projectPath, iid, stateEvent: closed ? "REOPEN" : "CLOSE" } },
      });
      setErrors(result.data?.updateIssue.errors ?? []);
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };
  return (
    <div className="state-toggle">
      <button
        type="button"
        className={`btn ${closed ? "" : "btn--danger-outline"}`}
        disabled={loading}
        onClick={handleClick}
      >
        {closed ? "Reopen issue" : "Close issue"}
      </button>
      {errors.length ? (
        <p className="field-error" role="alert">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
};
