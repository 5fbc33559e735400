/** B5 placeholders, matched as GitLab does: `%{NAME}` with optional inner whitespace, case-sensitive. */
export const PLACEHOLDERS = [
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

const PATTERN = /%\{\s*([^}]*?)\s*\}/g;

export const unknownPlaceholders = (template: string): string[] => {
  const found = new Set<string>();
  for (const match of template.matchAll(PATTERN)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(match[1])) found.add(match[0]);
  }
  return [...found];
};

export const sampleValues = (fullPath: string, origin: string, kind: "thank_you" | "new_note" | "new_participant") => ({
  ISSUE_ID: "#42",
  ISSUE_PATH: `${fullPath}#42`,
  ISSUE_URL: `${origin}/${fullPath}/-/issues/42`,
  ISSUE_DESCRIPTION: "The printer on the third floor prints only blank pages.",
  UNSUBSCRIBE_URL: `${origin}/-/unsubscribe/sample-reply-key`,
  NOTE_TEXT: kind === "new_note" ? "Thanks for the details, we are looking into it." : "",
  SYSTEM_HEADER: "",
  SYSTEM_FOOTER: "",
  ADDITIONAL_TEXT: "",
});

/** Fills known placeholders with sample values; unknown ones are left visible so they can be spotted. */
export const fillTemplate = (template: string, values: Record<string, string>): string =>
  template.replace(PATTERN, (whole, name: string) => (name in values ? values[name] : whole));

/** The default key of a project's address (`<slug>-<id>-issue-`): a copy of the server codec's, tested equal. */
export const defaultKeyPreview = (slug: string, projectId: string | number) => `${slug}-${projectId}-issue-`;

/**
 * B3 live preview: the address with this suffix. The key of an alias address is `<slug>-<suffix>`
 * (or `<slug>-<id>-issue-` when blank); we rewrite the key of the address the server shows.
 */
export const previewAddress = (
  currentAddress: string | null | undefined,
  slug: string,
  suffix: string,
  defaultKey: string | null,
): string | null => {
  if (!currentAddress) return null;
  const at = currentAddress.lastIndexOf("@");
  if (at < 0) return null;
  const local = currentAddress.slice(0, at);
  const domain = currentAddress.slice(at);
  const start = local.indexOf(`${slug}-`);
  if (start < 0) return null;
  const key = suffix.trim() ? `${slug}-${suffix.trim()}` : defaultKey;
  if (!key) return null;
  return `${local.slice(0, start)}${key}${domain}`;
};

export const SUFFIX_PATTERN = /^[a-z0-9_]*$/;
export const suffixProblem = (suffix: string): string | null => {
  if (suffix.length > 255) return "Email address suffix is too long (maximum is 255 characters).";
  if (!SUFFIX_PATTERN.test(suffix)) return "Email address suffix can contain only lowercase letters, digits, and '_'.";
  return null;
};
