import { renderEmail } from "./render-email.ts";
import { defaultTemplateFor, type TemplateKind, type TemplateValues, unknownPlaceholders } from "./templates.ts";

export type PreviewTemplateInput = {
  kind: TemplateKind;
  /** The template being edited; blank or null previews the built-in default. */
  template?: string | null;
  /** The project's full path, for %{ISSUE_PATH}. */
  projectName?: string;
};

export type TemplatePreview = { html: string; text: string; subject: string; unknownPlaceholders: string[] };

const SAMPLE_URL = "https://tidings.example";

/** Sample values that look like a real ticket, so the preview reads like the email will. */
export const sampleTemplateValues = (kind: TemplateKind, projectName = "demo/app"): TemplateValues => ({
  ISSUE_ID: "#42",
  ISSUE_PATH: `${projectName}#42`,
  ISSUE_URL: `${SAMPLE_URL}/${projectName}/-/issues/42`,
  ISSUE_DESCRIPTION:
    'Hello,\n\nsince this morning I can\'t sign in: the page says **"Invalid token"**.\n\n- Browser: Firefox 128\n- Account: jane@example.com',
  UNSUBSCRIBE_URL: `${SAMPLE_URL}/-/unsubscribe/0123456789abcdef0123456789abcdef`,
  NOTE_TEXT:
    kind === "new_note"
      ? "Hi Jane,\n\nthanks for the details. We reset your session; could you **try again** and tell us whether it works?\n\n> since this morning I can't sign in\n\nBest regards,\nSam"
      : "",
  SYSTEM_HEADER: "",
  SYSTEM_FOOTER: "",
  ADDITIONAL_TEXT: "",
});

/**
 * B5: what the settings panel shows while a maintainer edits a template: the HTML and the plain-text
 * parts rendered with sample values, and the placeholders it does not know (flagged, never dropped).
 */
export const previewTemplate = (input: PreviewTemplateInput): TemplatePreview => {
  const template = input.template?.trim() ? input.template : defaultTemplateFor(input.kind);
  const subject = "Re: I can't sign in (#42)";
  const rendered = renderEmail(template, sampleTemplateValues(input.kind, input.projectName), {
    subject,
    baseUrl: SAMPLE_URL,
  });
  return { ...rendered, subject, unknownPlaceholders: unknownPlaceholders(template) };
};
