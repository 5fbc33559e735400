import { useMutation, useQuery } from "@apollo/client/react";
import { CustomEmailPanel } from "./CustomEmailPanel.tsx";
import { TemplatePreview } from "./TemplatePreview.tsx";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { fullPathSlug } from "../../app/paths.ts";
import { CopyButton } from "../../components/CopyButton.tsx";
import {
  AccessDenied,
  ErrorState,
  errorMessage,
  LoadingState,
  PageHeading,
  ProjectNotFound,
  usePageTitle,
} from "../../components/States.tsx";
import {
  type ServiceDeskSettingsForm_SettingsFragment,
  SettingsSceneDocument,
  UpdateServiceDeskSettingsDocument,
} from "./__generated__/settings.ts";
import { defaultKeyPreview, previewAddress, suffixProblem, unknownPlaceholders } from "./templates.ts";

type FormState = {
  enabled: boolean;
  projectKey: string;
  outgoingName: string;
  thankYouTemplate: string;
  newNoteTemplate: string;
  newParticipantTemplate: string;
  issueTemplate: string;
  ticketsConfidentialByDefault: boolean;
  reopenIssueOnExternalParticipantNote: boolean;
  addExternalParticipantsFromCc: boolean;
  /** Blank: the spam checker's own threshold. */
  spamThreshold: string;
};

const toForm = (s: ServiceDeskSettingsForm_SettingsFragment): FormState => ({
  enabled: s.enabled,
  projectKey: s.projectKey ?? "",
  outgoingName: s.outgoingName ?? "",
  thankYouTemplate: s.thankYouTemplate ?? "",
  newNoteTemplate: s.newNoteTemplate ?? "",
  newParticipantTemplate: s.newParticipantTemplate ?? "",
  issueTemplate: s.issueTemplate ?? "",
  ticketsConfidentialByDefault: s.ticketsConfidentialByDefault,
  reopenIssueOnExternalParticipantNote: s.reopenIssueOnExternalParticipantNote,
  addExternalParticipantsFromCc: s.addExternalParticipantsFromCc,
  spamThreshold: s.spamThreshold === null || s.spamThreshold === undefined ? "" : String(s.spamThreshold),
});

/** Sorts the mutation's sentences onto the field they talk about; the rest show at the top of the form. */
const fieldOf = (message: string): keyof FormState | "general" => {
  const m = message.toLowerCase();
  if (m.includes("suffix") || m.includes("project key") || m.includes("projectkey")) return "projectKey";
  if (m.includes("display name") || m.includes("outgoing")) return "outgoingName";
  if (m.includes("thank")) return "thankYouTemplate";
  if (m.includes("new note") || m.includes("new_note")) return "newNoteTemplate";
  if (m.includes("participant") && m.includes("template")) return "newParticipantTemplate";
  if (m.includes("description template") || m.includes("issue template")) return "issueTemplate";
  if (m.includes("spam threshold")) return "spamThreshold";
  return "general";
};

export const SettingsScene = ({ projectPath }: { projectPath: string }) => {
  usePageTitle(`Service Desk settings · ${projectPath}`);
  const { data, loading, error, refetch } = useQuery(SettingsSceneDocument, { variables: { fullPath: projectPath } });
  if (!data && loading) return <LoadingState label="Loading settings…" />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  const project = data?.project;
  if (!project) return <ProjectNotFound />;
  if (!project.serviceDeskSettings) {
    return (
      <AccessDenied message="Only project Maintainers and Owners can change the Service Desk settings. Ask one of them if something needs to change." />
    );
  }
  return (
    <>
      <SettingsForm
        projectPath={projectPath}
        projectId={project.id}
        address={project.serviceDeskAddress ?? null}
        settings={project.serviceDeskSettings}
        isPublic={project.visibility === "public"}
      />
      <CustomEmailPanel projectPath={projectPath} />
    </>
  );
};

const SettingsForm = ({
  projectPath,
  projectId,
  address,
  settings,
  isPublic,
}: {
  isPublic: boolean;
  projectPath: string;
  projectId: string;
  address: string | null;
  settings: ServiceDeskSettingsForm_SettingsFragment;
}) => {
  const [form, setForm] = useState<FormState>(() => toForm(settings));
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [save, { loading }] = useMutation(UpdateServiceDeskSettingsDocument);
  useEffect(() => setForm(toForm(settings)), [settings]);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setSaved(false);
  };

  const slug = fullPathSlug(projectPath);
  const numericId = projectId.match(/(\d+)$/)?.[1];
  const defaultKey = numericId ? defaultKeyPreview(slug, numericId) : null;
  const suffixPreview = previewAddress(address, slug, form.projectKey, defaultKey);
  const liveSuffixProblem = suffixProblem(form.projectKey.trim());
  // The suffix only changes the alias address (B3, item 4): without an alias mailbox there is nothing to preview.
  const aliasMissing = !settings.aliasMailboxConfigured;

  const byField = useMemo(() => {
    const map: Partial<Record<keyof FormState | "general", string[]>> = {};
    for (const message of errors) {
      const field = fieldOf(message);
      map[field] = [...(map[field] ?? []), message];
    }
    return map;
  }, [errors]);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const threshold = form.spamThreshold.trim();
    if (threshold !== "" && !Number.isFinite(Number(threshold))) {
      setErrors(["Spam threshold must be a number, such as 5 or 7.5, or blank."]);
      return;
    }
    try {
      const result = await save({
        variables: {
          input: {
            projectPath,
            ...form,
            projectKey: form.projectKey.trim(),
            outgoingName: form.outgoingName.trim(),
            spamThreshold: form.spamThreshold.trim() === "" ? null : Number(form.spamThreshold.trim()),
          },
        },
      });
      const payload = result.data?.updateServiceDeskSettings;
      setErrors(payload?.errors ?? []);
      if (payload && payload.errors.length === 0) setSaved(true);
    } catch (err) {
      setErrors([errorMessage(err)]);
    }
  };

  return (
    <section aria-labelledby="settings-title" className="settings">
      <PageHeading id="settings-title">Service Desk</PageHeading>
      <p className="muted">
        Enable and disable Service Desk. Customers email the address below; each email becomes an issue in{" "}
        <strong>{projectPath}</strong> and replies thread back by email.
      </p>

      <form onSubmit={handleSubmit} noValidate className="settings__form">
        {byField.general?.length ? (
          <ul className="alert alert--error" role="alert">
            {byField.general.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        ) : null}
        {errors.length && !byField.general?.length ? (
          <p className="alert alert--error" role="alert">
            The settings were not saved. Fix the errors below.
          </p>
        ) : null}

        <div className="setting">
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              aria-checked={form.enabled}
              checked={form.enabled}
              onChange={(e) => set("enabled", e.target.checked)}
            />
            <span className="switch__track" aria-hidden="true" />
            <span>Activate Service Desk</span>
          </label>
        </div>

        {address ? (
          <div className="setting">
            <span className="setting__label" id="sd-address-label">
              Email address to use for Service Desk
            </span>
            <div className="address-box">
              <code>{address}</code>
              <CopyButton text={address} label="Copy Service Desk email address" />
            </div>
          </div>
        ) : null}

        <TextField
          id="project-key"
          label="Email address suffix"
          value={form.projectKey}
          onChange={(v) => set("projectKey", v)}
          errors={byField.projectKey ?? (liveSuffixProblem ? [liveSuffixProblem] : [])}
          hint={
            <>
              Add a suffix to the Service Desk email address: lowercase letters, digits and '_' only.
              {aliasMissing ? (
                <>
                  {" "}
                  The suffix applies to the Service Desk alias address, which this instance does not have yet (an
                  administrator sets SERVICE_DESK_EMAIL_ADDRESS); until then, mail keeps arriving at the address above.
                </>
              ) : suffixPreview && !liveSuffixProblem ? (
                <>
                  {" "}
                  Resulting address: <code data-testid="suffix-preview">{suffixPreview}</code>
                </>
              ) : null}
            </>
          }
        />

        <TextField
          id="outgoing-name"
          label="Email display name"
          value={form.outgoingName}
          onChange={(v) => set("outgoingName", v)}
          errors={byField.outgoingName ?? []}
          hint="The name customers see in the From field of Service Desk emails. Blank uses 'Support Bot'."
          maxLength={255}
        />

        <fieldset className="fieldset">
          <legend>Email templates</legend>
          <p className="muted">
            Markdown. Placeholders: <code>%{"{ISSUE_ID}"}</code> <code>%{"{ISSUE_PATH}"}</code>{" "}
            <code>%{"{ISSUE_URL}"}</code> <code>%{"{ISSUE_DESCRIPTION}"}</code> <code>%{"{UNSUBSCRIBE_URL}"}</code>{" "}
            <code>%{"{NOTE_TEXT}"}</code> <code>%{"{SYSTEM_HEADER}"}</code> <code>%{"{SYSTEM_FOOTER}"}</code>{" "}
            <code>%{"{ADDITIONAL_TEXT}"}</code>. Leave a template empty to send the default text.
          </p>
          <TemplateField
            id="thank-you-template"
            label="Thank you email template"
            kind="thank_you"
            projectPath={projectPath}
            value={form.thankYouTemplate}
            onChange={(v) => set("thankYouTemplate", v)}
            errors={byField.thankYouTemplate ?? []}
          />
          <TemplateField
            id="new-note-template"
            label="New note email template"
            kind="new_note"
            projectPath={projectPath}
            value={form.newNoteTemplate}
            onChange={(v) => set("newNoteTemplate", v)}
            errors={byField.newNoteTemplate ?? []}
          />
          <TemplateField
            id="new-participant-template"
            label="New participant email template"
            kind="new_participant"
            projectPath={projectPath}
            value={form.newParticipantTemplate}
            onChange={(v) => set("newParticipantTemplate", v)}
            errors={byField.newParticipantTemplate ?? []}
          />
        </fieldset>

        <TextField
          id="issue-template"
          label="Template to append to all Service Desk issues"
          value={form.issueTemplate}
          onChange={(v) => set("issueTemplate", v)}
          errors={byField.issueTemplate ?? []}
          hint="Markdown appended to the description of every new Service Desk issue."
          multiline
        />

        <fieldset className="fieldset">
          <legend>Tickets</legend>
          <Checkbox
            label="New tickets are confidential by default"
            checked={isPublic || form.ticketsConfidentialByDefault}
            disabled={isPublic}
            hint={isPublic ? "Always on in a public project: customers' emails must not become public." : undefined}
            onChange={(v) => set("ticketsConfidentialByDefault", v)}
          />
          <Checkbox
            label="Reopen issues on a new note from an external participant"
            checked={form.reopenIssueOnExternalParticipantNote}
            onChange={(v) => set("reopenIssueOnExternalParticipantNote", v)}
          />
          <Checkbox
            label={
              <>
                Add external participants from the <code>Cc</code> header
              </>
            }
            checked={form.addExternalParticipantsFromCc}
            onChange={(v) => set("addExternalParticipantsFromCc", v)}
          />
        </fieldset>

        <TextField
          id="spam-threshold"
          label="Spam threshold"
          value={form.spamThreshold}
          onChange={(v) => set("spamThreshold", v)}
          errors={byField.spamThreshold ?? []}
          hint="Mail scoring at or above it waits in the quarantine as spam, where it can be released. Blank uses the spam checker's own (SpamAssassin: 5). Only applies when an administrator set SPAM_CHECK_URL."
        />

        <div className="settings__actions">
          <button type="submit" className="btn btn--primary" disabled={loading}>
            {loading ? "Saving…" : "Save changes"}
          </button>
          <span role="status" className="settings__saved">
            {saved ? "Service Desk settings saved." : ""}
          </span>
        </div>
      </form>
    </section>
  );
};

const FieldErrors = ({ id, errors }: { id: string; errors: string[] }) =>
  errors.length ? (
    <div id={id} className="field-error" role="alert">
      {errors.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  ) : null;

const TextField = ({
  id,
  label,
  value,
  onChange,
  errors,
  hint,
  multiline,
  maxLength,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors: string[];
  hint?: React.ReactNode;
  multiline?: boolean;
  maxLength?: number;
}) => {
  const describedBy = [hint ? `${id}-hint` : "", errors.length ? `${id}-error` : ""].filter(Boolean).join(" ");
  const common = {
    id,
    value,
    "aria-invalid": errors.length ? true : undefined,
    "aria-describedby": describedBy || undefined,
  };
  return (
    <div className={`field${errors.length ? " field--invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={5} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} maxLength={maxLength} onChange={(e) => onChange(e.target.value)} />
      )}
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
};

const TemplateField = ({
  id,
  label,
  kind,
  projectPath,
  value,
  onChange,
  errors,
}: {
  id: string;
  label: string;
  kind: "thank_you" | "new_note" | "new_participant";
  projectPath: string;
  value: string;
  onChange: (value: string) => void;
  errors: string[];
}) => {
  const unknown = unknownPlaceholders(value);
  const problems = [
    ...errors,
    ...(unknown.length ? [`Unknown placeholder${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`] : []),
  ];
  return (
    <div className="template-field">
      <TextField id={id} label={label} value={value} onChange={onChange} errors={problems} multiline />
      <TemplatePreview kind={kind} label={label} projectPath={projectPath} template={value} />
    </div>
  );
};

const Checkbox = ({
  label,
  checked,
  onChange,
  disabled,
  hint,
}: {
  label: React.ReactNode;
  checked: boolean;
  onChange: (value: boolean) => void;
  disabled?: boolean;
  hint?: string;
}) => (
  <label className="checkbox">
    <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
    <span>
      {label}
      {hint ? <span className="hint checkbox__hint">{hint}</span> : null}
    </span>
  </label>
);
