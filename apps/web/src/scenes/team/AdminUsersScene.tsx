import { useMutation, useQuery } from "@apollo/client/react";
import type { FormEvent } from "react";
import { ErrorState, errorMessage, LoadingState, PageHeading, usePageTitle } from "../../components/States.tsx";
import { AdminUsersSceneDocument, UserCreateDocument, UserResetPasswordDocument } from "./__generated__/team.ts";
import { Feedback, useAction } from "./useAction.tsx";

/** Issue 10.6: instance admins create users and reset passwords, while the product runs. */
export const AdminUsersScene = () => {
  usePageTitle("Users · Admin");
  const { data, loading, error, refetch } = useQuery(AdminUsersSceneDocument, { fetchPolicy: "cache-and-network" });
  const [create] = useMutation(UserCreateDocument);
  const [reset] = useMutation(UserResetPasswordDocument);
  const creating = useAction();
  const resetting = useAction();
  if (!data && loading) return <LoadingState label="Loading users…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  if (!data?.currentUser?.admin || !data.users)
    return <ErrorState title="Page not found" message="This page does not exist, or you don't have access to it." />;

  const submitCreate = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const input = {
      username: String(f.get("username")),
      name: String(f.get("name") || "") || null,
      email: String(f.get("email")),
      password: String(f.get("password")),
      admin: f.get("admin") === "on",
    };
    if (
      await creating.run(
        async () => (await create({ variables: { input } })).data?.userCreate.errors,
        `Created @${input.username}. They can sign in now.`,
      )
    ) {
      form.reset();
      await refetch();
    }
  };
  const submitReset = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const input = { username: String(f.get("username")), password: String(f.get("password")) };
    if (
      await resetting.run(
        async () => (await reset({ variables: { input } })).data?.userResetPassword.errors,
        `New password set for @${input.username}; their sessions ended.`,
      )
    )
      form.reset();
  };
  return (
    <div className="team-page">
      <PageHeading>Users</PageHeading>
      <form className="stack-form" onSubmit={submitCreate} aria-labelledby="new-user-title">
        <h2 id="new-user-title" className="section-title">
          New user
        </h2>
        <label htmlFor="new-username">Username</label>
        <input id="new-username" name="username" required autoComplete="off" />
        <label htmlFor="new-name">Full name</label>
        <input id="new-name" name="name" autoComplete="off" />
        <label htmlFor="new-email">Email</label>
        <input id="new-email" name="email" type="email" required autoComplete="off" />
        <label htmlFor="new-password">Password (at least 8 characters)</label>
        <input id="new-password" name="password" type="password" required minLength={8} autoComplete="new-password" />
        <label className="checkbox">
          <input type="checkbox" name="admin" /> Instance administrator
        </label>
        <Feedback errors={creating.errors} done={creating.done} />
        <button type="submit" className="btn btn--primary" disabled={creating.busy}>
          Create user
        </button>
      </form>
      <form className="stack-form" onSubmit={submitReset} aria-labelledby="reset-title">
        <h2 id="reset-title" className="section-title">
          Reset a password
        </h2>
        <label htmlFor="reset-username">User</label>
        <select id="reset-username" name="username" required>
          {data.users.map((u) => (
            <option key={u.id} value={u.username}>
              @{u.username}
            </option>
          ))}
        </select>
        <label htmlFor="reset-password">New password</label>
        <input id="reset-password" name="password" type="password" required minLength={8} autoComplete="new-password" />
        <Feedback errors={resetting.errors} done={resetting.done} />
        <button type="submit" className="btn" disabled={resetting.busy}>
          Set password
        </button>
      </form>
      <div className="table-scroll">
        <table className="table">
          <caption className="section-title">Everyone</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {data.users.map((u) => (
              <tr key={u.id}>
                <td>@{u.username}</td>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>{u.admin ? "admin" : u.blocked ? "blocked" : "user"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
};
