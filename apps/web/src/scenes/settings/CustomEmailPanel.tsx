// Issue 13.2: "Configure a custom email address" (GitLab's flow). A maintainer enters the address and its
// SMTP server; Tidings sends a verification email through it; the page follows the verification and, once
// it succeeded, offers to send the project's customer emails from that address.
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../components/States.tsx";
import { CopyButton } from "../../components/CopyButton.tsx";
import type { SmtpAuthMethod } from "../../graphql/__generated__/schema.ts";
import {
  CustomEmailPanelDocument,
  ServiceDeskCustomEmailCreateDocument,
  ServiceDeskCustomEmailDeleteDocument,
  ServiceDeskCustomEmailUpdateDocument,
} from "./__generated__/custom-email.ts";
import { ErrorList } from "../../components/Feedback.tsx";

const STATE_TEXT = {
  STARTED: "Verifying: the verification email is on its way through your SMTP server and forwarding.",
  FINISHED: "Verified.",
  FAILED: "Verification failed.",
} as const;

export const CustomEmailPanel = ({ projectPath }: { projectPath: string }) => {
  const { data, refetch } = useQuery(CustomEmailPanelDocument, { variables: { fullPath: projectPath } });
  const current = data?.project?.serviceDeskCustomEmail ?? null;
  const [errors, setErrors] = useState<string[]>([]);
  const [form, setForm] = useState({
    customEmail: "",
    smtpHost: "",
    smtpPort: "587",
    smtpUsername: "",
    smtpPassword: "",
    smtpAuthMethod: "AUTO" as SmtpAuthMethod,
  });
  const [create, creating] = useMutation(ServiceDeskCustomEmailCreateDocument);
  const [update, updating] = useMutation(ServiceDeskCustomEmailUpdateDocument);
  const [remove, removing] = useMutation(ServiceDeskCustomEmailDeleteDocument);
  // While the verification email travels, look again every few seconds.
  const verifying = current?.verificationState === "STARTED";
  useQuery(CustomEmailPanelDocument, {
    variables: { fullPath: projectPath },
    pollInterval: 3_000,
    skip: !verifying,
    fetchPolicy: "network-only",
  });

  const run = async (work: () => Promise<string[] | undefined>) => {
    try {
      const problems = (await work()) ?? [];
      setErrors(problems);
      if (problems.length === 0) await refetch();
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };
  const handleSave = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const r = await create({
        variables: {
          input: {
            projectPath,
            customEmail: form.customEmail.trim(),
            smtpHost: form.smtpHost.trim(),
            smtpPort: Number(form.smtpPort),
            smtpUsername: form.smtpUsername,
            smtpPassword: form.smtpPassword,
            smtpAuthMethod: form.smtpAuthMethod,
          },
        },
      });
      if (r.data?.serviceDeskCustomEmailCreate.errors.length === 0) setForm((f) => ({ ...f, smtpPassword: "" }));
      return r.data?.serviceDeskCustomEmailCreate.errors;
    });
  };
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  return (
    <section aria-labelledby="custom-email-title" className="settings custom-email">
      <h2 id="custom-email-title">Custom email address</h2>
      <p className="muted">
        Let customers write to and hear from your own address, such as support@your-domain.com. Forward that address to
        this project&apos;s Service Desk address; Tidings sends as it through your SMTP server.
      </p>
      <ErrorList errors={errors} />
      {current ? (
        <div className="custom-email__current">
          <p>
            <strong>{current.customEmail}</strong> through {current.smtpHost}:{current.smtpPort}
          </p>
          <p
            role="status"
            className={`custom-email__state custom-email__state--${current.verificationState.toLowerCase()}`}
          >
            {STATE_TEXT[current.verificationState]}
            {current.verificationErrorMessage ? ` ${current.verificationErrorMessage}` : ""}
          </p>
          {current.forwardTo ? (
            <p className="hint">
              Forward {current.customEmail} to <code>{current.forwardTo}</code>{" "}
              <CopyButton text={current.forwardTo} label="Copy the forwarding address" />
            </p>
          ) : null}
          {current.verificationState === "FINISHED" ? (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={current.enabled}
                disabled={updating.loading}
                onChange={(e) =>
                  void run(async () => {
                    const r = await update({ variables: { input: { projectPath, enabled: e.target.checked } } });
                    return r.data?.serviceDeskCustomEmailUpdate.errors;
                  })
                }
              />
              <span>Send this project&apos;s customer emails from {current.customEmail}</span>
            </label>
          ) : null}
          <button
            type="button"
            className="btn"
            disabled={removing.loading}
            onClick={() =>
              void run(async () => {
                const r = await remove({ variables: { input: { projectPath } } });
                return r.data?.serviceDeskCustomEmailDelete.errors;
              })
            }
          >
            Reset custom email
          </button>
        </div>
      ) : (
        <form onSubmit={handleSave} className="settings__form custom-email__form">
          <div className="field">
            <label htmlFor="custom-email">Email address</label>
            <input id="custom-email" type="email" value={form.customEmail} onChange={set("customEmail")} />
          </div>
          <div className="field">
            <label htmlFor="smtp-host">SMTP host</label>
            <input id="smtp-host" value={form.smtpHost} onChange={set("smtpHost")} />
          </div>
          <div className="field">
            <label htmlFor="smtp-port">SMTP port</label>
            <input id="smtp-port" inputMode="numeric" value={form.smtpPort} onChange={set("smtpPort")} />
          </div>
          <div className="field">
            <label htmlFor="smtp-username">SMTP username</label>
            <input id="smtp-username" autoComplete="off" value={form.smtpUsername} onChange={set("smtpUsername")} />
          </div>
          <div className="field">
            <label htmlFor="smtp-password">SMTP password</label>
            <input
              id="smtp-password"
              type="password"
              autoComplete="new-password"
              value={form.smtpPassword}
              onChange={set("smtpPassword")}
            />
          </div>
          <div className="field">
            <label htmlFor="smtp-auth">SMTP authentication</label>
            <select id="smtp-auth" value={form.smtpAuthMethod} onChange={set("smtpAuthMethod")}>
              <option value="AUTO">Automatic</option>
              <option value="PLAIN">PLAIN</option>
              <option value="LOGIN">LOGIN</option>
              <option value="CRAM_MD5">CRAM-MD5</option>
            </select>
          </div>
          <div className="settings__actions">
            <button type="submit" className="btn btn--primary" disabled={creating.loading}>
              {creating.loading ? "Saving…" : "Save & send verification email"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
};
