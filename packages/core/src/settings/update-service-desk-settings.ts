import { type EntityManager, ProjectEntity, ServiceDeskSettingEntity } from "@tidings/db";
import { validateTemplate } from "../notifications/templates.ts";
import { PROJECT_KEY_PATTERN } from "../service-desk/mail-key-codec.ts";

export type UpdateServiceDeskSettingsInput = {
  projectId: number;
  enabled?: boolean | null;
  projectKey?: string | null;
  outgoingName?: string | null;
  thankYouTemplate?: string | null;
  newNoteTemplate?: string | null;
  newParticipantTemplate?: string | null;
  issueTemplate?: string | null;
  ticketsConfidentialByDefault?: boolean | null;
  reopenIssueOnExternalParticipantNote?: boolean | null;
  addExternalParticipantsFromCc?: boolean | null;
  /** Issue 13.3: spam at or above it is quarantined; null: the spam checker's own threshold. */
  spamThreshold?: number | null;
};

export type UpdateServiceDeskSettingsResult =
  | { ok: true; project: ProjectEntity; settings: ServiceDeskSettingEntity }
  | { ok: false; errors: string[] };

export const PROJECT_KEY_FORMAT = PROJECT_KEY_PATTERN;
export const MAX_PROJECT_KEY = 255;
export const MAX_OUTGOING_NAME = 255;
export const MAX_TEMPLATE_LENGTH = 10_000;

export const PROJECT_KEY_TAKEN = "Email address suffix is already in use for another service desk address.";

const TEMPLATE_LABELS = {
  thankYouTemplate: "Thank-you email template",
  newNoteTemplate: "New-note email template",
  newParticipantTemplate: "New-participant email template",
  issueTemplate: "Description template",
} as const;

const blankToNull = (v: string | null | undefined) => (v == null || v.trim() === "" ? null : v);

/**
 * B1–B7: validates every given field first and changes nothing when any is invalid; `errors` are
 * sentences a maintainer can act on. A blank suffix, display name or template clears it (default).
 * Keeps project_key_address_slug ("<full_path_slug>-<project_key>") in step for the uniqueness rule.
 */
export const updateServiceDeskSettings = async (
  db: EntityManager,
  input: UpdateServiceDeskSettingsInput,
): Promise<UpdateServiceDeskSettingsResult> => {
  const project = await db.findOneOrFail(ProjectEntity, {
    where: { id: input.projectId },
    lock: { mode: "pessimistic_write" },
  });
  const settings =
    (await db.findOneBy(ServiceDeskSettingEntity, { projectId: project.id })) ??
    db.create(ServiceDeskSettingEntity, { projectId: project.id });
  const errors: string[] = [];

  let projectKey = settings.projectKey;
  if (input.projectKey !== undefined) {
    projectKey = blankToNull(input.projectKey)?.trim() ?? null;
    if (projectKey !== null) {
      if (!PROJECT_KEY_FORMAT.test(projectKey))
        errors.push("Email address suffix can contain only lowercase letters, digits, and '_'.");
      if (projectKey.length > MAX_PROJECT_KEY)
        errors.push(`Email address suffix is too long (maximum is ${MAX_PROJECT_KEY} characters).`);
    }
  }
  const addressSlug = projectKey ? `${project.fullPathSlug}-${projectKey}` : null;
  if (addressSlug && addressSlug !== settings.projectKeyAddressSlug && errors.length === 0) {
    const [taken] = await db.query(
      "SELECT 1 FROM service_desk_settings WHERE project_key_address_slug = $1 AND project_id <> $2",
      [addressSlug, project.id],
    );
    if (taken) errors.push(PROJECT_KEY_TAKEN);
  }
  if (input.outgoingName != null && input.outgoingName.trim().length > MAX_OUTGOING_NAME)
    errors.push(`Email display name is too long (maximum is ${MAX_OUTGOING_NAME} characters).`);
  for (const [field, label] of Object.entries(TEMPLATE_LABELS) as [keyof typeof TEMPLATE_LABELS, string][]) {
    const value = input[field];
    if (value == null) continue;
    if (value.length > MAX_TEMPLATE_LENGTH)
      errors.push(`${label} is too long (maximum is ${MAX_TEMPLATE_LENGTH.toLocaleString("en")} characters).`);
    if (field !== "issueTemplate") for (const e of validateTemplate(value)) errors.push(`${label}: ${e}`);
  }
  if (
    input.spamThreshold != null &&
    !(Number.isFinite(input.spamThreshold) && input.spamThreshold > 0 && input.spamThreshold <= 1000)
  )
    errors.push("Spam threshold must be a score above 0 and at most 1000 (SpamAssassin's own is 5), or blank.");
  if (input.ticketsConfidentialByDefault === false && project.visibility === "public")
    errors.push("New tickets are always confidential in a public project; this can't be turned off.");
  if (errors.length) return { ok: false, errors };

  settings.projectKey = projectKey;
  settings.projectKeyAddressSlug = addressSlug;
  if (input.outgoingName !== undefined) settings.outgoingName = blankToNull(input.outgoingName)?.trim() ?? null;
  for (const field of Object.keys(TEMPLATE_LABELS) as (keyof typeof TEMPLATE_LABELS)[]) {
    if (input[field] !== undefined) settings[field] = blankToNull(input[field]);
  }
  if (input.ticketsConfidentialByDefault != null)
    settings.ticketsConfidentialByDefault = input.ticketsConfidentialByDefault;
  if (input.reopenIssueOnExternalParticipantNote != null)
    settings.reopenIssueOnExternalParticipantNote = input.reopenIssueOnExternalParticipantNote;
  if (input.addExternalParticipantsFromCc != null)
    settings.addExternalParticipantsFromCc = input.addExternalParticipantsFromCc;
  if (input.spamThreshold !== undefined) settings.spamThreshold = input.spamThreshold;
  await db.save(settings);
  if (input.enabled != null && input.enabled !== project.serviceDeskEnabled) {
    project.serviceDeskEnabled = input.enabled;
    await db.update(ProjectEntity, { id: project.id }, { serviceDeskEnabled: input.enabled });
  }
  return { ok: true, project, settings };
};

/** B7: in a public project new tickets are confidential whatever the stored switch says. */
export const effectiveTicketsConfidential = (
  project: Pick<ProjectEntity, "visibility">,
  settings: Pick<ServiceDeskSettingEntity, "ticketsConfidentialByDefault"> | null,
) => project.visibility === "public" || (settings?.ticketsConfidentialByDefault ?? true);
