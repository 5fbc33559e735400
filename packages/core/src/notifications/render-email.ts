import { substitutePlaceholders, type TemplateValues } from "./templates.ts";

/**
 * Renders a Markdown template into the plain-text body (and, later, sanitised HTML).
 * The plain-text part is the Markdown with placeholders substituted.
 */
export const renderEmail = (template: string, values: TemplateValues): { text: string; html: string | null } => ({
  text: substitutePlaceholders(template, values),
  html: null,
});
