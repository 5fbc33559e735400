// Issue 11.1: GitLab quick actions in a responder's comment or in the description template. One source
// for the command names (the composer's autocomplete and its "will run" line import this list).

/** Every command Tidings runs, with what it takes and what it does (the composer shows these). */
export const QUICK_ACTIONS = [
  { name: "close", params: "", description: "Close this issue" },
  { name: "reopen", params: "", description: "Reopen this issue" },
  { name: "label", params: '~label1 ~"label 2"', description: "Add labels" },
  { name: "unlabel", params: "~label1 (or nothing: all)", description: "Remove labels" },
  { name: "assign", params: "@user1 @user2 (or me)", description: "Assign" },
  { name: "unassign", params: "@user1 (or nothing: all)", description: "Remove assignees" },
  { name: "confidential", params: "", description: "Make this issue confidential" },
  { name: "title", params: "New title", description: "Change the title" },
  { name: "move", params: "group/project", description: "Move this issue to another project" },
  { name: "add_email", params: "a@example.com b@example.com", description: "Add email participants (up to 6)" },
  { name: "remove_email", params: "a@example.com", description: "Remove email participants (up to 6)" },
  { name: "convert_to_ticket", params: "customer@example.com", description: "Make this a Service Desk ticket" },
  { name: "internal", params: "", description: "Make this note internal" },
] as const;

export type QuickActionName = (typeof QUICK_ACTIONS)[number]["name"];

/** GitLab aliases that mean the same command. */
const ALIASES: Record<string, QuickActionName> = {
  labels: "label",
  remove_label: "unlabel",
  retitle: "title",
};

const NAMES = new Set<string>(QUICK_ACTIONS.map((a) => a.name));

export type QuickCommand = { name: QuickActionName; args: string };

/** The text with the commands taken out, and the commands in the order written. */
export type ParsedComment = { text: string; commands: QuickCommand[] };

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
/** A command word: at the start of a line, or after white space on a line that has text before it. */
const COMMAND = /(^|\s)\/([A-Za-z_]+)(?=\s|$)/g;

const commandName = (word: string): QuickActionName | null => {
  const lower = word.toLowerCase();
  if (NAMES.has(lower)) return lower as QuickActionName;
  return ALIASES[lower] ?? null;
};

/** Code spans are not commands: their positions, so a `/close` inside backticks is left alone. */
const codeSpans = (line: string): [number, number][] => {
  const spans: [number, number][] = [];
  const re = /(`+)[\s\S]*?\1/g;
  for (let m = re.exec(line); m; m = re.exec(line)) spans.push([m.index, m.index + m[0].length]);
  return spans;
};

/**
 * Splits one line into its text and its commands. GitLab's syntax is a command at the start of a line with
 * its arguments to the end of the line; Tidings also reads commands that follow text on the same line
 * (`Thanks! /label ~billing /assign @developer`), each taking the arguments up to the next command. Only
 * known command names count, so "and/or" or a path stays text.
 */
const parseLine = (
  line: string,
  accept: (name: QuickActionName) => boolean,
): { text: string; commands: QuickCommand[] } => {
  const spans = codeSpans(line);
  const hits: { start: number; argsStart: number; name: QuickActionName }[] = [];
  for (let m = COMMAND.exec(line); m; m = COMMAND.exec(line)) {
    const start = m.index + m[1].length;
    const name = commandName(m[2]);
    if (!name || !accept(name) || spans.some(([a, b]) => start >= a && start < b)) continue;
    hits.push({ start, argsStart: start + 1 + m[2].length, name });
  }
  COMMAND.lastIndex = 0;
  if (hits.length === 0) return { text: line, commands: [] };
  const commands = hits.map((hit, i) => ({
    name: hit.name,
    args: line.slice(hit.argsStart, hits[i + 1]?.start ?? line.length).trim(),
  }));
  return { text: line.slice(0, hits[0].start).trimEnd(), commands };
};

/**
 * Reads the quick actions of a comment: lines inside fenced code blocks, indented code, block quotes and
 * code spans are never commands. The returned text is what is stored and emailed. Commands `accept` refuses
 * stay text.
 */
export const parseQuickActions = (
  body: string,
  accept: (name: QuickActionName) => boolean = () => true,
): ParsedComment => {
  const out: string[] = [];
  const commands: QuickCommand[] = [];
  let fence: string | null = null;
  for (const line of body.split(/\r?\n/)) {
    const f = FENCE.exec(line);
    if (f) {
      if (fence === null) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      out.push(line);
      continue;
    }
    if (fence !== null || /^( {4}|\t)/.test(line) || /^\s{0,3}>/.test(line)) {
      out.push(line);
      continue;
    }
    const parsed = parseLine(line, accept);
    commands.push(...parsed.commands);
    // A line that was only commands goes away entirely; text before a command stays.
    if (parsed.commands.length === 0 || parsed.text.trim() !== "") out.push(parsed.text);
  }
  const text = out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { text, commands };
};

/** `~bug ~"needs info"` → ["bug", "needs info"]; GitLab also accepts bare words. */
export const parseLabelArgs = (args: string): string[] => {
  const labels: string[] = [];
  const re = /~"([^"]+)"|~?([^\s~"]+)/g;
  for (let m = re.exec(args); m; m = re.exec(args)) {
    const title = (m[1] ?? m[2]).trim();
    if (title) labels.push(title);
  }
  return [...new Set(labels)];
};

/** `@ana @ben` or `me` → ["ana", "ben"] / ["me"]; commas are separators too. */
export const parseUserArgs = (args: string): string[] =>
  [
    ...new Set(
      args
        .split(/[\s,]+/)
        .map((u) => u.replace(/^@/, "").trim())
        .filter(Boolean),
    ),
  ] as string[];

/** Space or comma separated addresses, as GitLab's `/add_email`. */
export const parseEmailArgs = (args: string): string[] => [...new Set(args.split(/[\s,]+/).filter(Boolean))];

/** The commands a description template may hold (run by the Support Bot on the new ticket). */
export const TEMPLATE_QUICK_ACTIONS: readonly QuickActionName[] = [
  "label",
  "unlabel",
  "assign",
  "unassign",
  "confidential",
  "title",
];

/** The description template's text (its runnable commands taken out) and the commands to run. Pure. */
export const templateParts = (template: string | null | undefined): ParsedComment => {
  if (!template?.trim()) return { text: "", commands: [] };
  return parseQuickActions(template, (name) => TEMPLATE_QUICK_ACTIONS.includes(name));
};
