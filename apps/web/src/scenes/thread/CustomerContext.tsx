import { useMutation } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { issuePath } from "../../app/paths.ts";
import { StateBadge } from "../../components/Badges.tsx";
import { errorMessage } from "../../components/States.tsx";
import type { IssueState } from "../../graphql/__generated__/schema.ts";
import {
  IssueEmailParticipantsAddDocument,
  IssueEmailParticipantsRemoveDocument,
  type ThreadIssue_IssueFragment,
  type ThreadSceneQuery,
} from "./__generated__/thread.ts";

/** What the thread page read about the requester (not part of the live issue updates). */
export type RequesterContext = {
  address: string | null;
  name: string | null;
  history: NonNullable<NonNullable<ThreadSceneQuery["project"]>["issue"]>["requesterHistory"];
};

/** Issue 10.4: who the requester is and what else they have asked in this project (Reporter+). */
export const RequesterBlock = ({ requester, projectPath }: { requester: RequesterContext; projectPath: string }) => {
  const { history, address, name } = requester;
  if (!history || !address) return null;
  return (
    <div className="sidebar__block">
      <div className="sidebar__heading">
        <h2 id="requester-title">Requester</h2>
      </div>
      <p className="requester">
        {name ? <strong>{name}</strong> : null}
        <span className="requester__address">{address}</span>
      </p>
      <p className="muted">
        {history.total} {history.total === 1 ? "ticket" : "tickets"} in this project, {history.open} open
      </p>
      {history.others.length ? (
        <ul className="plain-list requester__tickets" aria-label="Other tickets from this requester">
          {history.others.map((t) => (
            <li key={t.iid}>
              <StateBadge state={t.state as IssueState} /> <Link to={issuePath(projectPath, t.iid)}>#{t.iid}</Link>{" "}
              {t.title}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
};

/** Issue 10.4: the ticket's email participants, added and removed here as with /add_email and /remove_email. */
export const ParticipantsBlock = ({
  issue,
  projectPath,
  canUpdate,
}: {
  issue: ThreadIssue_IssueFragment;
  projectPath: string;
  canUpdate: boolean;
}) => {
  const [add, { loading: adding }] = useMutation(IssueEmailParticipantsAddDocument);
  const [remove, { loading: removing }] = useMutation(IssueEmailParticipantsRemoveDocument);
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<string[]>([]);
  const run = async (action: "add" | "remove", emails: string[]) => {
    try {
      const input = { projectPath, iid: issue.iid, emails };
      const r =
        action === "add"
          ? (await add({ variables: { input } })).data?.issueEmailParticipantsAdd
          : (await remove({ variables: { input } })).data?.issueEmailParticipantsRemove;
      setErrors(r?.errors ?? []);
      if (action === "add" && !r?.errors.length) setEmail("");
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(
      "add",
      email
        .split(/[\s,]+/)
        .map((x) => x.trim())
        .filter(Boolean),
    );
  };
  return (
    <div className="sidebar__block">
      <div className="sidebar__heading">
        <h2 id="participants-title">External participants</h2>
      </div>
      {issue.emailParticipants?.length ? (
        <ul className="plain-list" aria-labelledby="participants-title">
          {issue.emailParticipants.map((p) => (
            <li key={p.email} className="participant">
              <span className="participant__email">{p.email}</span>
              {p.unsubscribed ? <span className="muted"> (unsubscribed)</span> : null}
              {canUpdate ? (
                <button
                  type="button"
                  className="btn btn--small btn--ghost"
                  disabled={removing}
                  onClick={() => void run("remove", [p.email])}
                >
                  Remove <span className="visually-hidden">{p.email}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None: replies here reach nobody by email.</p>
      )}
      {canUpdate && issue.emailParticipants ? (
        <form className="sidebar__form" onSubmit={submit}>
          <label htmlFor="participant-email">Add by email (Cc)</label>
          <input
            id="participant-email"
            type="text"
            inputMode="email"
            value={email}
            placeholder="name@example.com"
            onChange={(e) => setEmail(e.target.value)}
          />
          <button type="submit" className="btn btn--small" disabled={adding || !email.trim()}>
            Add participant
          </button>
        </form>
      ) : null}
      {errors.length ? (
        <p className="field-error" role="alert">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
};
