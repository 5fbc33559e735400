import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";
import { isKnownPlaceholder, PLACEHOLDER, type TemplatePlaceholder, type TemplateValues } from "./templates.ts";

/** Placeholders whose values are Markdown written by people (the note, the issue description). */
const MARKDOWN_PLACEHOLDERS: ReadonlySet<TemplatePlaceholder> = new Set(["NOTE_TEXT", "ISSUE_DESCRIPTION"]);
/** Placeholders whose values are links we build; in running text they become clickable. */
const URL_PLACEHOLDERS: ReadonlySet<TemplatePlaceholder> = new Set(["ISSUE_URL", "UNSUBSCRIBE_URL"]);

// Letters and digits only: Markdown leaves such a word alone wherever it appears.
const token = (i: number) => `TIDINGSPLACEHOLDER${i}X`;
const TOKEN = /TIDINGSPLACEHOLDER(\d+)X/g;

// One configured instance: customers' replies use single newlines as line breaks (breaks: true).
const markdown = new Marked({ gfm: true, breaks: true, async: false });

export const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const absolute = (url: string, baseUrl: string | undefined) => {
  if (!baseUrl || !url.startsWith("/") || url.startsWith("//")) return url;
  return `${baseUrl.replace(/\/+$/, "")}${url}`;
};

type LinkOptions = { baseUrl?: string; signLink?: (url: string) => string };
/** A link as the recipient's mail client needs it: absolute, and signed when it points at an upload. */
const linkFor = (url: string, opts: LinkOptions) => {
  const abs = absolute(url, opts.baseUrl);
  return opts.signLink ? opts.signLink(abs) : abs;
};

/** The sanitiser every rendered part goes through: no scripts, styles, handlers or foreign schemes. */
const sanitize = (html: string, links: LinkOptions) =>
  sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "details", "summary", "del", "ins"],
    allowedAttributes: {
      a: ["href", "title"],
      img: ["src", "alt", "title", "width", "height"],
      td: ["align"],
      th: ["align"],
      ol: ["start"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["http", "https", "cid"] },
    allowProtocolRelative: false,
    transformTags: {
      // Links and images in notes are often relative to the instance (uploads): make them work in a mail client.
      a: (tagName, attribs) => ({
        tagName,
        attribs: attribs.href ? { ...attribs, href: linkFor(attribs.href, links) } : attribs,
      }),
      img: (tagName, attribs) => ({
        tagName,
        attribs: attribs.src ? { ...attribs, src: linkFor(attribs.src, links) } : attribs,
      }),
    },
  });

// Long words (URLs, hashes, paths) break anywhere rather than widen a phone's screen (issue 12.5).
const WRAP = "overflow-wrap:anywhere;word-break:break-word;";

// Inline styles only (Gmail and Outlook ignore or strip <style> in many contexts). Applied after
// sanitising, where every `<tag` is a real tag (text `<` is escaped) and carries no style of its own.
const INLINE_STYLES: Record<string, string> = {
  p: "margin:0 0 16px 0;",
  a: `color:#1f6feb;text-decoration:underline;${WRAP}`,
  blockquote: "margin:0 0 16px 0;padding:0 0 0 12px;border-left:3px solid #d0d7de;color:#57606a;",
  pre: `margin:0 0 16px 0;padding:12px;background:#f6f8fa;border-radius:4px;font-family:Consolas,Menlo,Monaco,monospace;font-size:13px;line-height:1.45;white-space:pre-wrap;word-wrap:break-word;${WRAP}`,
  code: `font-family:Consolas,Menlo,Monaco,monospace;font-size:13px;background:#f6f8fa;${WRAP}`,
  table: "border-collapse:collapse;margin:0;",
  th: "border:1px solid #d0d7de;padding:6px 10px;text-align:left;background:#f6f8fa;overflow-wrap:break-word;",
  td: `border:1px solid #d0d7de;padding:6px 10px;${WRAP}`,
  img: "max-width:100%;height:auto;border:0;",
  hr: "border:0;border-top:1px solid #d0d7de;margin:24px 0;",
  ul: "margin:0 0 16px 0;padding-left:24px;",
  ol: "margin:0 0 16px 0;padding-left:24px;",
  h1: "font-size:22px;margin:0 0 16px 0;",
  h2: "font-size:19px;margin:0 0 16px 0;",
  h3: "font-size:16px;margin:0 0 12px 0;",
};
const STYLED = new RegExp(`<(${Object.keys(INLINE_STYLES).join("|")})(?=[\\s>/])`, "g");
const inlineStyles = (html: string) =>
  html
    .replace(STYLED, (_m, tag: string) => `<${tag} style="${INLINE_STYLES[tag]}"`)
    // A data table (a note's Markdown table) scrolls inside its own box on a narrow screen, not the page.
    .replace(/<table /g, '<div style="overflow-x:auto;margin:0 0 16px 0;"><table ')
    .replace(/<\/table>/g, "</table></div>");

/**
 * A small, readable layout without tables: one column of at most 640px, centred, inline styles only, no
 * remote assets (no logo, web font or tracking pixel). Outlook's Word engine ignores max-width and shows
 * the column full width, which reads fine.
 */
export const emailLayout = (content: string, title: string) =>
  `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(title)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f6f7f9;">
<div style="background-color:#f6f7f9;padding:24px 12px;">
<div style="max-width:640px;margin:0 auto;background-color:#ffffff;border:1px solid #e3e5e8;border-radius:6px;padding:24px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;${WRAP}">
${content}
</div>
</div>
</body>
</html>
`;

// A Markdown link or image: `[text](target)`, `![alt](target "title")`.
const MD_LINK = /(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"\n]*")?\s*\)/g;
const FENCE_LINE = /^\s{0,3}(`{3,}|~{3,})/;
const CODE_SPAN = /(`+)[\s\S]*?\1/g;

/** Outside code spans: a link reads "text <url>", an image "alt <url>", a bare link its URL. */
const linksAsText = (line: string, links: LinkOptions) => {
  const link = (_m: string, _bang: string, text: string, target: string) => {
    const url = linkFor(target, links);
    const label = text.trim();
    return label && label !== target && label !== url ? `${label} <${url}>` : url;
  };
  let out = "";
  let last = 0;
  for (const m of line.matchAll(CODE_SPAN)) {
    out += line.slice(last, m.index).replace(MD_LINK, link) + m[0];
    last = m.index + m[0].length;
  }
  return out + line.slice(last).replace(MD_LINK, link);
};

/**
 * Markdown reads well as plain text, with a few exceptions made readable: the collapsed blocks of HTML a
 * note may hold (the quoted part of an email reply) become their contents; links and images become their
 * text and URL, relative ones (uploads) absolute and signed as in the HTML part. Fenced code stays as it is.
 */
const markdownAsText = (md: string, links: LinkOptions) => {
  let fence: string | null = null;
  return md
    .replace(/<summary>\s*(?:\.{3}|…)?\s*<\/summary>\n*/gi, "")
    .replace(/<summary>([\s\S]*?)<\/summary>/gi, "$1")
    .replace(/<\/?details>/gi, "")
    .split("\n")
    .map((line) => {
      const f = FENCE_LINE.exec(line);
      if (f) {
        if (fence === null) fence = f[1][0];
        else if (f[1][0] === fence) fence = null;
        return line;
      }
      return fence === null ? linksAsText(line, links) : line;
    })
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd();
};

const renderMarkdownBlock = (md: string) => markdown.parse(md) as string;

/**
 * A template's own Markdown (its placeholders as tokens) rendered once, not once per email (issue 14.3: the
 * outbox runner renders a batch of emails from few templates). Parsing is pure; a few templates per instance.
 */
const TEMPLATE_CACHE_SIZE = 64;
const renderedTemplates = new Map<string, string>();
const renderTemplateBlock = (tokenized: string) => {
  let html = renderedTemplates.get(tokenized);
  if (html === undefined) {
    html = renderMarkdownBlock(tokenized);
    if (renderedTemplates.size >= TEMPLATE_CACHE_SIZE) renderedTemplates.delete(renderedTemplates.keys().next().value!);
    renderedTemplates.set(tokenized, html);
  }
  return html;
};
const renderMarkdownInline = (md: string) => markdown.parseInline(md) as string;

export type RenderEmailOptions = {
  /** The HTML <title> (the email's subject). */
  subject?: string;
  /** PUBLIC_URL: relative links and images in notes are made absolute against it. */
  baseUrl?: string;
  /**
   * Who wrote %{NOTE_TEXT} when it is not the email's sender (a participant's note sent to the others):
   * the note begins with "<name> wrote:".
   */
  noteAuthor?: string;
  /** Signs a link to an upload so the recipient can open it without an account (signed-links.ts). */
  signLink?: (url: string) => string;
};

export type RenderedEmail = { text: string; html: string };

/**
 * Renders a Markdown template (B5, D3) into a plain-text part and a sanitised HTML part.
 * - text: the Markdown with the values substituted verbatim (readable as it stands);
 * - html: the template rendered as Markdown, each value escaped for where it lands (the note and the
 *   description are Markdown, rendered and sanitised; links become clickable; every other value is
 *   text), the whole sanitised again and wrapped in the layout.
 * Unknown placeholders stay visible in both parts (they are reported by validateTemplate).
 */
export const renderEmail = (
  template: string,
  values: TemplateValues,
  options: RenderEmailOptions = {},
): RenderedEmail => {
  const wrote = options.noteAuthor ? `${options.noteAuthor} wrote:` : null;
  const text = `${template
    .replace(PLACEHOLDER, (whole, name: string) => {
      if (!isKnownPlaceholder(name)) return whole;
      const value = values[name] ?? "";
      if (name === "NOTE_TEXT" && wrote) return `${wrote}\n\n${markdownAsText(value, options)}`;
      return MARKDOWN_PLACEHOLDERS.has(name) ? markdownAsText(value, options) : value;
    })
    .replace(/\s+$/, "")}\n`;

  const used: TemplatePlaceholder[] = [];
  const tokenized = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!isKnownPlaceholder(name)) return whole;
    used.push(name);
    return token(used.length - 1);
  });
  const valueAt = (i: string) => values[used[Number(i)]] ?? "";
  const nameOf = (i: string) => used[Number(i)];

  let html = renderTemplateBlock(tokenized);
  // A Markdown value alone in its paragraph becomes the value's own blocks (no <p> inside <p>).
  html = html.replace(/<p>TIDINGSPLACEHOLDER(\d+)X<\/p>/g, (whole, i: string) => {
    if (!MARKDOWN_PLACEHOLDERS.has(nameOf(i))) return whole;
    const byline = nameOf(i) === "NOTE_TEXT" && wrote ? `<p>${escapeHtml(wrote)}</p>\n` : "";
    return byline + renderMarkdownBlock(valueAt(i));
  });
  // Inside an attribute (a link target in the template), a value is attribute text.
  html = html.replace(/="([^"]*TIDINGSPLACEHOLDER\d+X[^"]*)"/g, (_m, attr: string) => {
    return `="${attr.replace(TOKEN, (_t, i: string) => escapeHtml(valueAt(i)))}"`;
  });
  // In running text: Markdown inline, links clickable, everything else escaped text.
  html = html.replace(TOKEN, (_t, i: string) => {
    const name = nameOf(i);
    const value = valueAt(i);
    if (name === "NOTE_TEXT" && wrote) return `${escapeHtml(wrote)} ${renderMarkdownInline(value)}`;
    if (MARKDOWN_PLACEHOLDERS.has(name)) return renderMarkdownInline(value);
    if (URL_PLACEHOLDERS.has(name) && /^https?:\/\//.test(value)) {
      return `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`;
    }
    return escapeHtml(value);
  });

  const content = inlineStyles(sanitize(html, options).trim());
  return { text, html: emailLayout(content, options.subject ?? "") };
};

/**
 * An email written as plain text (a rejection): the text as it is, and an HTML part of its paragraphs,
 * escaped, in the same layout as every other email.
 */
export const plainTextEmail = (text: string, subject: string): RenderedEmail => {
  const paragraphs = text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p style="${INLINE_STYLES.p}">${escapeHtml(p).replace(/\n/g, "<br>\n")}</p>`);
  return { text: `${text.trim()}\n`, html: emailLayout(paragraphs.join("\n"), subject) };
};
