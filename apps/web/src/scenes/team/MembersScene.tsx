import { useMutation, useQuery } from "@apollo/client/react";
import type { FormEvent } from "react";
import {
  ErrorState,
  errorMessage,
  LoadingState,
  PageHeading,
  ProjectNotFound,
  usePageTitle,
} from "../../components/States.tsx";
import { MembersSceneDocument, ProjectMemberRemoveDocument, ProjectMemberSetDocument } from "./__generated__/team.ts";
import { Feedback, useAction } from "./useAction.tsx";

const ROLES = ["guest", "reporter", "developer", "maintainer", "owner"] as const;

/** Issue 10.6: maintainers add and remove members and change roles, while the product runs. */
export const MembersScene = ({ projectPath }: { projectPath: string }) => {
  usePageTitle(`Members · ${projectPath}`);
  const { data, loading, error, refetch } = useQuery(MembersSceneDocument, {
    variables: { fullPath: projectPath },
    fetchPolicy: "cache-and-network",
  });
  const [setMember] = useMutation(ProjectMemberSetDocument);
  const [removeMember] = useMutation(ProjectMemberRemoveDocument);
  const action = useAction();
  if (!data && loading) return <LoadingState label="Loading members…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  const project = data?.project;
  if (!project) return <ProjectNotFound />;
  const canManage = project.userPermissions.adminProject;
  const set = (username: string, role: string, doneText: string) =>
    action.run(async () => {
      const errors = (await setMember({ variables: { input: { projectPath, username, role } } })).data?.projectMemberSet
        .errors;
      await refetch();
      return errors;
    }, doneText);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const username = String(f.get("username")).replace(/^@/, "");
    if (await set(username, String(f.get("role")), `Added @${username}.`)) form.reset();
  };
  return (
    <div className="team-page">
      <PageHeading>Members</PageHeading>
      <Feedback errors={action.errors} done={action.done} />
      {canManage ? (
        <form className="stack-form" onSubmit={submit} aria-labelledby="add-member-title">
          <h2 id="add-member-title" className="section-title">
            Add a member
          </h2>
          <label htmlFor="member-username">Username</label>
          <input id="member-username" name="username" required autoComplete="off" />
          <label htmlFor="member-role">Role</label>
          <select id="member-role" name="role" defaultValue="reporter">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn--primary" disabled={action.busy}>
            Add member
          </button>
        </form>
      ) : null}
      <div className="table-scroll">
        <table className="table">
          <caption className="section-title">Members of {project.name}</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              {canManage ? <th scope="col">Remove</th> : null}
            </tr>
          </thead>
          <tbody>
            {project.projectMembers.nodes.map((m) => (
              <tr key={m.user.username}>
                <td>
                  {m.user.name} (@{m.user.username})
                </td>
                <td>
                  {canManage ? (
                    <select
                      aria-label={`Role of @${m.user.username}`}
                      value={m.accessLevel.stringValue.toLowerCase()}
                      onChange={(e) =>
                        void set(m.user.username, e.target.value, `@${m.user.username} is now ${e.target.value}.`)
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    m.accessLevel.stringValue.toLowerCase()
                  )}
                </td>
                {canManage ? (
                  <td>
                    <button
                      type="button"
                      className="btn btn--small btn--ghost"
                      onClick={() =>
                        void action.run(async () => {
                          const errors = (
                            await removeMember({ variables: { input: { projectPath, username: m.user.username } } })
                          ).data?.projectMemberRemove.errors;
                          await refetch();
                          return errors;
                        }, `Removed @${m.user.username}.`)
                      }
                    >
                      Remove <span className="visually-hidden">@{m.user.username}</span>
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
};
