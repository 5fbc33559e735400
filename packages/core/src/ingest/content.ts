// C5/C7: the text that ends up in a description or note. Pure.
import { templateParts } from "../quick-actions/parse.ts";
import TurndownService from "turndown";
import { gfm } from "turndown-plugin-gfm";
import { bodyStart } from "./headers.ts";
import type { TrimmedReply } from "./trim.ts";

export type { TrimmedReply } from "./trim.ts";

/** The little of the DOM table API the layout-table rule reads (no DOM lib in this package's types). */
type DomCell = { nodeName: string; innerHTML: string };
type DomTable = { rows?: ArrayLike<{ cells: ArrayLike<DomCell> }> };

let turndown: TurndownService | null = null;
const converter = () => {
  if (turndown) return turndown;
  const t = new TurndownService({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    emDelimiter: "*",
    strongDelimiter: "**",
    bulletListMarker: "-",
  });
  t.use(gfm);
  // Text that merely looks like Markdown stays as written (GitLab does not escape it either).
  t.escape = (s: string) => s;
  // Tables without a header row are layout, not data: a one-cell row becomes its content, other rows
  // become tab-separated cells (as GitLab). Tables with a header row stay GFM tables.
  t.addRule("layoutTable", {
    filter: (node) => {
      if (node.nodeName !== "TABLE") return false;
      const first = (node as unknown as DomTable).rows?.[0];
      return !first || !Array.from(first.cells).every((c) => c.nodeName === "TH");
    },
    replacement: (_content, node) => {
      const rows = Array.from((node as unknown as DomTable).rows ?? []);
      const md = (html: string) => t.turndown(html).trim();
      const lines = rows.map((r) => {
        const cells = Array.from(r.cells).map((c) => md(c.innerHTML));
        return cells.length === 1 ? cells[0] : cells.map((c) => c.replace(/\s*\n+\s*/g, " ")).join("\t");
      });
      return `\n\n${lines.filter((l) => l !== "").join("\n")}\n\n`;
    },
  });
  t.remove(["style", "script", "head", "title", "meta"]);
  // GitLab keeps collapsible sections as HTML (item 20).
  t.keep(["details", "summary"]);
  // Links without href are unwrapped to their text (item 20).
  t.addRule("anchorWithoutHref", {
    filter: (node) => node.nodeName === "A" && !node.getAttribute("href"),
    replacement: (content) => content,
  });
  turndown = t;
  return t;
};

/** Beyond these the HTML parser (unclosed formatting tags) and the layout-table rule (nested tables) are
 * worse than linear (issue 15.1): such HTML is converted to its plain text instead. */
export const HTML_LIMITS = { maxTags: 5_000, maxTableDepth: 4 };

/** One linear scan: the number of start tags and the deepest table nesting. */
const htmlShape = (html: string): { tags: number; tableDepth: number } => {
  let tags = 0;
  let depth = 0;
  let tableDepth = 0;
  for (let i = html.indexOf("<"); i >= 0; i = html.indexOf("<", i + 1)) {
    const c = html.charCodeAt(i + 1);
    const isLetter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (isLetter) tags++;
    const head = html.slice(i + 1, i + 7).toLowerCase();
    if (head.startsWith("table") && !/[a-z0-9-]/.test(head[5] ?? "")) tableDepth = Math.max(tableDepth, ++depth);
    else if (head === "/table") depth = Math.max(0, depth - 1);
  }
  return { tags, tableDepth };
};

/** The text of HTML, tags removed; linear. */
export const htmlToText = (html: string): string =>
  html
    .replace(/<[^>]*>/g, " ")
    .replace(/[ \t]+/g, " ")
    .trim();

/** HTML → Markdown keeping headings, emphasis, links, images, lists and tables (GFM). */
export const htmlToMarkdown = (html: string): string => {
  const shape = htmlShape(html);
  if (shape.tags > HTML_LIMITS.maxTags || shape.tableDepth > HTML_LIMITS.maxTableDepth) return htmlToText(html);
  try {
    return converter().turndown(html);
  } catch {
    // Pathological HTML must never stop a message: fall back to its text.
    return htmlToText(html);
  }
};

/** The line without trailing spaces and tabs; a scan from the end (no regex: `/[ \t]+$/gm` is quadratic). */
const trimSpacesEnd = (line: string): string => {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
  return end === line.length ? line : line.slice(0, end);
};

/** CRLF → LF, trailing spaces and tabs removed from each line, outer blank lines removed (item 20). Linear. */
export const tidy = (text: string): string =>
  text.replace(/\r\n?/g, "\n").split("\n").map(trimSpacesEnd).join("\n").trim();

export type BodySource = { text?: string | null; html?: string | false | null };

/** text/plain preferred; else the HTML converted to Markdown; else empty. */
export const bodyOf = (parsed: BodySource): string => {
  if (typeof parsed.text === "string" && parsed.text.trim() !== "") return tidy(parsed.text);
  if (typeof parsed.html === "string" && parsed.html.trim() !== "") return tidy(htmlToMarkdown(parsed.html));
  return "";
};

const QUICK_ACTION = /^\/[A-Za-z_][\w-]*(?:\s|$)/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
/**
 * QUICK_ACTION on any line of a text. JS's `m` flag also takes a lone CR for a line end, which can only send
 * a text down the line-by-line path, never skip a line that path would change.
 */
const ANY_QUICK_ACTION_LINE = new RegExp(QUICK_ACTION.source, "m");

/**
 * Quick actions from email are never executed (item 18): every line that starts with `/command`
 * outside fenced code is wrapped in a code span, e.g. `/label ~bug` → `` `/label ~bug` ``.
 */
export const neutraliseQuickActions = (text: string): string => {
  // Without a quick-action line, every line stays as it is: the text itself, not a copy (issue 14: a batch
  // holds each body until it is applied, and every copy of it is promoted out of V8's young generation).
  if (!ANY_QUICK_ACTION_LINE.test(text)) return text;
  let fence: string | null = null;
  return text
    .split("\n")
    .map((line) => {
      const f = FENCE.exec(line);
      if (f) {
        if (fence === null) fence = f[1][0];
        else if (f[1][0] === fence) fence = null;
        return line;
      }
      if (fence !== null || !QUICK_ACTION.test(line)) return line;
      const ticks = line.includes("`") ? "``" : "`";
      const pad = ticks === "``" ? " " : "";
      return `${ticks}${pad}${line.trimEnd()}${pad}${ticks}`;
    })
    .join("\n");
};

/** True when every non-blank line is a quick action (a "commands only" reply). */
export const onlyQuickActions = (text: string): boolean => {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.length > 0 && lines.every((l) => QUICK_ACTION.test(l.trim()));
};

/**
 * The note body for a reply through a reply key: the message, with the trimmed part kept in a
 * collapsed block (GitLab MR 67615), not appended when the message is empty or only quick actions.
 */
export const replyNoteBody = (trimmed: TrimmedReply): string => {
  const { message, stripped } = trimmed;
  if (!message || onlyQuickActions(message) || !stripped) return neutraliseQuickActions(message);
  return `${neutraliseQuickActions(message)}\n\n<details><summary>...</summary>\n\n${stripped}\n\n</details>`;
};

/**
 * The description template (without its quick actions) after the customer's text, separated by a blank line. GitLab joins them with
 * `"  \n"` (item 7), which turns the customer's last line into a heading when the template starts with
 * `---` or `===` (a setext underline): a deliberate deviation (issue 12.5).
 */
export const appendTemplate = (description: string, template: string | null | undefined): string => {
  // Its quick actions run on the new issue (issue 11.1): they are not part of the text.
  const text = templateParts(template).text;
  return !text ? description : description ? `${description}\n\n${text}` : text;
};

const tryDecode = (bytes: Buffer, encoding: string): string | null => {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
};

/**
 * C11: a body whose declared charset is wrong (decoding produced U+FFFD, e.g. Shift_JIS bytes labelled
 * ISO-8859-1) is decoded again from its raw bytes by trying UTF-8, Shift_JIS and EUC-JP strictly.
 * Only for single-part 7bit/8bit/binary bodies; returns null when nothing decodes cleanly.
 */
export const redecodeMislabelledBody = (raw: Buffer, transferEncoding: string | null): string | null => {
  if (transferEncoding && !/^(7bit|8bit|binary)$/i.test(transferEncoding.trim())) return null;
  const start = bodyStart(raw);
  if (start >= raw.length) return null;
  const body = raw.subarray(start);
  for (const enc of ["utf-8", "shift_jis", "euc-jp"]) {
    const text = tryDecode(body, enc);
    if (text !== null) return text;
  }
  return null;
};
