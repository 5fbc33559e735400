// Issue 11.1 in the composer: the same command list and parser as the server (one source: the pure module
// in packages/core, imported here, not copied), for the autocomplete and the "will run" line.
import {
  type ParsedComment,
  parseQuickActions,
  QUICK_ACTIONS,
} from "../../../../../../packages/core/src/quick-actions/parse.ts";

export { parseQuickActions, QUICK_ACTIONS, type ParsedComment };

/** What the author should know before sending, in plain words. */
export const describeCommands = (parsed: ParsedComment): string | null => {
  if (parsed.commands.length === 0) return null;
  const list = parsed.commands.map((c) => `/${c.name}${c.args ? ` ${c.args}` : ""}`).join(", ");
  return parsed.text === ""
    ? `Runs ${list}. Nothing is emailed: there is no text to send.`
    : `Runs ${list}; only the text is sent.`;
};

/** The word being typed at the cursor, if it starts a command, a label or a mention. */
export type Trigger = { kind: "command" | "label" | "member"; query: string; start: number; end: number };

export const triggerAt = (text: string, cursor: number): Trigger | null => {
  const before = text.slice(0, cursor);
  const m = /(^|\s)([/~@])([\w.-]*)$/.exec(before);
  if (!m) return null;
  const start = cursor - m[3].length - 1;
  const kind = m[2] === "/" ? "command" : m[2] === "~" ? "label" : "member";
  return { kind, query: m[3].toLowerCase(), start, end: cursor };
};

export type Suggestion = { value: string; label: string; hint: string };

export const suggestionsFor = (
  trigger: Trigger,
  data: { labels: string[]; members: { username: string; name: string }[] },
): Suggestion[] => {
  const q = trigger.query;
  if (trigger.kind === "command")
    return QUICK_ACTIONS.filter((a) => a.name.startsWith(q)).map((a) => ({
      value: `/${a.name} `,
      label: `/${a.name}${a.params ? ` ${a.params}` : ""}`,
      hint: a.description,
    }));
  if (trigger.kind === "label")
    return data.labels
      .filter((l) => l.toLowerCase().includes(q))
      .slice(0, 8)
      .map((l) => ({ value: /\s/.test(l) ? `~"${l}" ` : `~${l} `, label: `~${l}`, hint: "label" }));
  return data.members
    .filter((m) => m.username.toLowerCase().startsWith(q) || m.name.toLowerCase().includes(q))
    .slice(0, 8)
    .map((m) => ({ value: `@${m.username} `, label: `@${m.username}`, hint: m.name }));
};
