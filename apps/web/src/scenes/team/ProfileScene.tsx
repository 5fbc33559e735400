import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { CopyButton } from "../../components/CopyButton.tsx";
import { ErrorState, errorMessage, LoadingState, PageHeading, usePageTitle } from "../../components/States.tsx";
import { Time } from "../../components/time.tsx";
import {
  CurrentUserPasswordChangeDocument,
  PersonalAccessTokenCreateDocument,
  PersonalAccessTokenRevokeDocument,
  ProfileSceneDocument,
} from "./__generated__/team.ts";
import { Feedback, useAction } from "./useAction.tsx";

const PasswordForm = () => {
  const [change] = useMutation(CurrentUserPasswordChangeDocument);
  const action = useAction();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { currentPassword: String(form.get("current")), newPassword: String(form.get("new")) };
    const ok = await action.run(
      async () => (await change({ variables: { input } })).data?.currentUserPasswordChange.errors,
      "Password changed. Every session has ended: sign in again with the new password.",
    );
    if (ok) window.setTimeout(() => window.location.assign("/users/sign_in"), 1500);
  };
  return (
    <form className="stack-form" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title" className="section-title">
        Password
      </h2>
      <label htmlFor="current-password">Current password</label>
      <input id="current-password" name="current" type="password" autoComplete="current-password" required />
      <label htmlFor="new-password">New password (at least 8 characters)</label>
      <input id="new-password" name="new" type="password" autoComplete="new-password" minLength={8} required />
      <Feedback errors={action.errors} done={action.done} />
      <button type="submit" className="btn btn--primary" disabled={action.busy}>
        Change password
      </button>
    </form>
  );
};

/** Issue 10.6: the viewer's personal access tokens; a new token's secret is shown once. */
export const ProfileScene = () => {
  usePageTitle("Your profile");
  const { data, loading, error, refetch } = useQuery(ProfileSceneDocument, { fetchPolicy: "cache-and-network" });
  const [create] = useMutation(PersonalAccessTokenCreateDocument);
  const [revoke] = useMutation(PersonalAccessTokenRevokeDocument);
  const action = useAction();
  const [secret, setSecret] = useState<string | null>(null);
  if (!data && loading) return <LoadingState label="Loading your profile…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  const user = data?.currentUser;
  if (!user) return <ErrorState title="Signed out" message="Sign in to see your profile." />;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const expires = String(form.get("expires") ?? "");
    const input = {
      name: String(form.get("name") ?? ""),
      scopes: form.getAll("scope").map(String),
      expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null,
    };
    let token: string | null = null;
    const ok = await action.run(async () => {
      const r = (await create({ variables: { input } })).data?.personalAccessTokenCreate;
      token = r?.token ?? null;
      return r?.errors;
    }, "Token created. Copy it now: it will not be shown again.");
    if (ok) {
      setSecret(token);
      e.currentTarget?.reset();
      await refetch();
    }
  };

  return (
    <div className="team-page">
      <PageHeading>Your profile</PageHeading>
      <p className="muted">
        Signed in as <strong>{user.name}</strong> (@{user.username}).
      </p>
      <PasswordForm />
      <section aria-labelledby="tokens-title" className="team-section">
        <h2 id="tokens-title" className="section-title">
          Personal access tokens
        </h2>
        <p className="muted">
          For scripts and integrations: send <code>Authorization: Bearer &lt;token&gt;</code> to <code>/graphql</code>.
          The <code>read_api</code> scope reads; <code>api</code> may also change things.
        </p>
        <form className="stack-form" onSubmit={submit} aria-label="New token">
          <label htmlFor="token-name">Token name</label>
          <input id="token-name" name="name" required maxLength={255} />
          <fieldset className="plain-fieldset">
            <legend>Scopes</legend>
            <label className="checkbox">
              <input type="checkbox" name="scope" value="api" defaultChecked /> api (read and write)
            </label>
            <label className="checkbox">
              <input type="checkbox" name="scope" value="read_api" /> read_api (read only)
            </label>
          </fieldset>
          <label htmlFor="token-expires">Expires on (optional)</label>
          <input id="token-expires" name="expires" type="date" />
          <Feedback errors={action.errors} done={action.done} />
          {secret ? (
            <p className="token-secret">
              <code data-testid="new-token">{secret}</code> <CopyButton text={secret} label="Copy token" />
            </p>
          ) : null}
          <button type="submit" className="btn btn--primary" disabled={action.busy}>
            Create token
          </button>
        </form>
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Your tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {(data?.personalAccessTokens ?? []).map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.scopes.join(", ")}</td>
                  <td>{t.expiresAt ? <Time iso={t.expiresAt} /> : "never"}</td>
                  <td>{t.lastUsedAt ? <Time iso={t.lastUsedAt} /> : "never"}</td>
                  <td>
                    {t.active ? (
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() =>
                          void action.run(async () => {
                            const errors = (await revoke({ variables: { id: t.id } })).data?.personalAccessTokenRevoke
                              .errors;
                            await refetch();
                            return errors;
                          }, `Revoked ${t.name}: it stopped working.`)
                        }
                      >
                        Revoke <span className="visually-hidden">{t.name}</span>
                      </button>
                    ) : t.revokedAt ? (
                      "revoked"
                    ) : (
                      "expired"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
};
