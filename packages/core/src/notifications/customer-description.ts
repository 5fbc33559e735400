// What `%{ISSUE_DESCRIPTION}` shows a customer (issue 12.5): their own text only, never the project's
// description template (internal checklists, quick actions for the team) nor the quick-action lines they
// wrote themselves (neutralised, never run: commands, not content).
import { neutraliseQuickActions } from "../ingest/content.ts";
import { templateParts } from "../quick-actions/template.ts";

// A line as neutraliseQuickActions leaves a quick action: one code span of `/command …`.
const CODE_SPAN_LINE = /^(``?) ?(\/.*?) ?\1$/;
/**
 * CODE_SPAN_LINE on any line of a text. JS's `m` flag also takes a lone CR for a line end, which can only send
 * a text down the line-by-line path, never skip a line that path would drop.
 */
const ANY_CODE_SPAN_LINE = new RegExp(CODE_SPAN_LINE.source, "m");

/** True when the line is a quick action the ingest neutralised (the rule is neutraliseQuickActions'). */
const isNeutralisedQuickAction = (line: string): boolean => {
  const m = CODE_SPAN_LINE.exec(line);
  return m !== null && neutraliseQuickActions(m[2]) === line;
};

/** The description without the template the ingest appended (content.ts appendTemplate: after a blank line). */
const withoutTemplate = (description: string, template: string | null | undefined): string => {
  const t = templateParts(template).text || null;
  if (!t) return description;
  if (description === t) return "";
  return description.endsWith(`\n\n${t}`) ? description.slice(0, -(t.length + 2)) : description;
};

/**
 * The customer's own text of an issue description: the description template (the project's current one,
 * the one a new issue was built with) and the neutralised quick-action lines are left out.
 */
export const customerDescription = (description: string, template: string | null | undefined): string => {
  const own = withoutTemplate(description, template);
  // Without a line that could be a neutralised quick action the text is kept as it is, not rebuilt line by
  // line (issue 14: the thank-you's inputs are built for a batch of new issues).
  const kept = ANY_CODE_SPAN_LINE.test(own)
    ? own
        .split("\n")
        .filter((line) => !isNeutralisedQuickAction(line))
        .join("\n")
    : own;
  return kept.replace(/\n{3,}/g, "\n\n").trim();
};
