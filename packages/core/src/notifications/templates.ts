/** Built-in Service Desk email templates (B5), Markdown with GitLab's placeholders. */
export const TEMPLATE_PLACEHOLDERS = [
  "ISSUE_ID",
  "ISSUE_PATH",
  "ISSUE_URL",
  "ISSUE_DESCRIPTION",
  "UNSUBSCRIBE_URL",
  "NOTE_TEXT",
  "SYSTEM_HEADER",
  "SYSTEM_FOOTER",
  "ADDITIONAL_TEXT",
] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<TemplatePlaceholder, string>>;

export const DEFAULT_TEMPLATES = {
  thankYou:
    "Thank you for your support request! We are tracking your request as ticket %{ISSUE_ID}, and will respond as soon as we can.\n\n" +
    "To add anything, reply to this email.\n\n" +
    "---\n\n" +
    "To stop receiving updates about this ticket, unsubscribe: %{UNSUBSCRIBE_URL}",
  newNote:
    "%{NOTE_TEXT}\n\n" +
    "---\n\n" +
    "Reply to this email to respond to ticket %{ISSUE_ID}. To stop receiving updates about it, unsubscribe: %{UNSUBSCRIBE_URL}",
  newParticipant:
    "You have been added to ticket %{ISSUE_ID}.\n\n" +
    "Reply to this email to participate in the discussion. All other participants of the ticket will receive notifications of your reply.\n\n" +
    "---\n\n" +
    "You can unsubscribe from further updates to this ticket: %{UNSUBSCRIBE_URL}\n" +
    "To receive updates again after that, you will have to be added again as a participant.",
} as const;

/** The three templates a project can customise (B5), by the name the settings use. */
export const TEMPLATE_KINDS = ["thank_you", "new_note", "new_participant"] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const defaultTemplateFor = (kind: TemplateKind): string =>
  kind === "thank_you"
    ? DEFAULT_TEMPLATES.thankYou
    : kind === "new_note"
      ? DEFAULT_TEMPLATES.newNote
      : DEFAULT_TEMPLATES.newParticipant;

/** `%{NAME}`, inner whitespace allowed (GitLab). The one pattern every template renderer uses. */
export const PLACEHOLDER = /%\{\s*([A-Za-z_]+)\s*\}/g;

/** How a ticket is named in a template: `#12` and `group/project#12` (GitLab's %{ISSUE_ID}, %{ISSUE_PATH}). */
export const issueRefValues = (fullPath: string, iid: number) => ({
  ISSUE_ID: `#${iid}`,
  ISSUE_PATH: `${fullPath}#${iid}`,
});

const namesIn = (template: string) => new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]));
/** Whether a placeholder's name is one Tidings fills (every renderer asks this one). */
export const isKnownPlaceholder = (name: string): name is TemplatePlaceholder =>
  (TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name);

/** Placeholders the template uses that Tidings does not know (B5: flagged, never silently dropped). */
export const unknownPlaceholders = (template: string): string[] =>
  [...namesIn(template)].filter((n) => !isKnownPlaceholder(n));

/** The known placeholders the template uses: the only values rendering it reads. */
export const knownPlaceholders = (template: string): Set<TemplatePlaceholder> =>
  new Set([...namesIn(template)].filter(isKnownPlaceholder));

/** Substitutes known placeholders (inner whitespace allowed, as GitLab); values are used verbatim. */
export const substitutePlaceholders = (
  template: string,
  values: TemplateValues,
  encode: (v: string) => string = (v) => v,
) =>
  template.replace(PLACEHOLDER, (whole, name: string) =>
    isKnownPlaceholder(name) ? encode(values[name] ?? "") : whole,
  );

/**
 * The settings validation's sentences for a template (B5): every unknown placeholder is named, with the
 * ones that exist, so a maintainer can fix a typo. An empty list means the template is fine.
 */
export const validateTemplate = (template: string): string[] =>
  unknownPlaceholders(template).map(
    (name) =>
      `The placeholder %{${name}} is unknown; use one of ${TEMPLATE_PLACEHOLDERS.map((p) => `%{${p}}`).join(", ")}.`,
  );
