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
    "To unsubscribe from this ticket, use this link: %{UNSUBSCRIBE_URL}",
  newNote: "%{NOTE_TEXT}\n\n---\n\nTo unsubscribe from this ticket, use this link: %{UNSUBSCRIBE_URL}",
  newParticipant:
    "You have been added to ticket %{ISSUE_ID}.\n\n" +
    "Reply to this email to participate in the discussion. All other participants of the ticket will receive notifications of your reply.\n\n" +
    "You can unsubscribe from further updates to this ticket: %{UNSUBSCRIBE_URL}",
} as const;

const PLACEHOLDER = /%\{\s*([A-Za-z_]+)\s*\}/g;

/** Placeholders the template uses that Tidings does not know (B5: flagged, never silently dropped). */
export const unknownPlaceholders = (template: string): string[] =>
  [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))].filter(
    (name) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name),
  );

/** Substitutes known placeholders (inner whitespace allowed, as GitLab); values are used verbatim. */
export const substitutePlaceholders = (
  template: string,
  values: TemplateValues,
  encode: (v: string) => string = (v) => v,
) =>
  template.replace(PLACEHOLDER, (whole, name: string) =>
    (TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)
      ? encode(values[name as TemplatePlaceholder] ?? "")
      : whole,
  );
