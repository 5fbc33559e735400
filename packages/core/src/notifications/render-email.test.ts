import { describe, expect, it } from "vitest";
import { previewTemplate } from "./preview-template.ts";
import { plainTextEmail, renderEmail } from "./render-email.ts";
import { DEFAULT_TEMPLATES, validateTemplate } from "./templates.ts";

const body = (html: string) => html.slice(html.indexOf("<body"), html.indexOf("</body>"));

describe("renderEmail", () => {
  it("renders the note Markdown as sanitised HTML and keeps it verbatim in the text part", () => {
    const note =
      "Hi **Jane**,\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))";
    const out = renderEmail(DEFAULT_TEMPLATES.newNote, {
      NOTE_TEXT: note,
      UNSUBSCRIBE_URL: "https://t.example/-/unsubscribe/k",
    });
    expect(out.text).toContain("Hi **Jane**,");
    expect(out.text).toContain("https://t.example/-/unsubscribe/k");
    const html = body(out.html);
    expect(html).toContain("<strong>Jane</strong>");
    expect(html).not.toMatch(/<script|onerror|javascript:/i);
    expect(html).toContain(
      '<a style="color:#1f6feb;text-decoration:underline;overflow-wrap:anywhere;word-break:break-word;" href="https://t.example/-/unsubscribe/k">',
    );
    // The note's blocks are not nested inside a paragraph of the template.
    expect(html).not.toMatch(/<p[^>]*>\s*<p/);
  });

  it("escapes plain values in the HTML part and leaves them plain in the text part", () => {
    const out = renderEmail("Ticket %{ ISSUE_ID } in %{ISSUE_PATH}", {
      ISSUE_ID: "#7",
      ISSUE_PATH: '<b>evil</b>/"proj"&co#7',
    });
    expect(out.text).toBe('Ticket #7 in <b>evil</b>/"proj"&co#7\n');
    expect(body(out.html)).toContain('Ticket #7 in &lt;b&gt;evil&lt;/b&gt;/"proj"&amp;co#7');
    expect(out.html).not.toContain("<b>evil</b>");
  });

  it("does not turn a value at the start of a line into Markdown (a # is not a heading)", () => {
    const out = renderEmail("%{ISSUE_ID}", { ISSUE_ID: "#12" });
    expect(body(out.html)).not.toContain("<h1");
    expect(body(out.html)).toContain("#12");
  });

  it("puts a URL value into a Markdown link target escaped as attribute text", () => {
    const out = renderEmail("[Stop these emails](%{UNSUBSCRIBE_URL})", {
      UNSUBSCRIBE_URL: 'https://t.example/-/unsubscribe/k?a=1&b="2"',
    });
    expect(body(out.html)).toContain('href="https://t.example/-/unsubscribe/k?a=1&amp;b=&quot;2&quot;"');
    expect(body(out.html)).toContain(">Stop these emails</a>");
  });

  it("makes relative links and images in a note absolute against PUBLIC_URL", () => {
    const out = renderEmail(
      "%{NOTE_TEXT}",
      { NOTE_TEXT: "![shot](/uploads/abc/shot.png) [log](/uploads/def/log.txt)" },
      { baseUrl: "https://desk.example.com" },
    );
    expect(out.html).toContain('src="https://desk.example.com/uploads/abc/shot.png"');
    expect(out.html).toContain('href="https://desk.example.com/uploads/def/log.txt"');
  });

  it("wraps the content in a layout without tables, with inline styles only and the subject as title", () => {
    const out = renderEmail("Hello", {}, { subject: "Re: A & B (#1)" });
    expect(out.html).toMatch(/^<!DOCTYPE html>/);
    expect(out.html).toContain("<title>Re: A &amp; B (#1)</title>");
    expect(out.html).not.toMatch(/<table|<style|<link|@import|url\(/i);
    expect(out.html).toContain("max-width:640px");
  });

  it("lets long URLs and words break on a phone, and a note's data table scroll in its own box", () => {
    const long = `https://example.com/${"a".repeat(300)}`;
    const out = renderEmail("%{NOTE_TEXT}", { NOTE_TEXT: `${long}\n\n| a | b |\n|---|---|\n| 1 | 2 |` });
    expect(body(out.html)).toMatch(/<a style="[^"]*overflow-wrap:anywhere;word-break:break-word;/);
    expect(body(out.html)).toContain('<div style="overflow-x:auto;margin:0 0 16px 0;"><table style=');
    expect(body(out.html)).toContain("</table></div>");
  });

  it("carries no remote asset of its own: the only URLs are the ones in the content", () => {
    const out = renderEmail(DEFAULT_TEMPLATES.thankYou, { ISSUE_ID: "#1", UNSUBSCRIBE_URL: "https://t.example/u/k" });
    expect([...out.html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1])).toEqual(["https://t.example/u/k"]);
  });

  it("leaves unknown placeholders visible rather than dropping them", () => {
    const out = renderEmail("Hi %{CUSTOMER_NAME}", {});
    expect(out.text).toBe("Hi %{CUSTOMER_NAME}\n");
    expect(out.html).toContain("%{CUSTOMER_NAME}");
  });
});

describe("validateTemplate", () => {
  it("names each unknown placeholder in a sentence and accepts known ones with inner spaces", () => {
    expect(validateTemplate("%{ ISSUE_ID } %{NOTE_TEXT}")).toEqual([]);
    const problems = validateTemplate("%{ISSUE_NUMBER} and %{ISSUE_NUMBER} and %{foo}");
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^The placeholder %\{ISSUE_NUMBER\} is unknown; use one of %\{ISSUE_ID\}/);
  });
});

describe("previewTemplate", () => {
  it("renders the default thank-you with sample values and no issue link", () => {
    const p = previewTemplate({ kind: "thank_you" });
    expect(p.unknownPlaceholders).toEqual([]);
    expect(p.text).toContain("ticket #42");
    expect(p.text).not.toContain("/-/issues/");
    expect(p.html).toContain("ticket #42");
  });

  it("renders a custom new-note template with the sample note and flags unknown placeholders", () => {
    const p = previewTemplate({
      kind: "new_note",
      template: "%{NOTE_TEXT}\n\n%{ISSUE_PATH} %{OOPS}",
      projectName: "acme/web",
    });
    expect(p.unknownPlaceholders).toEqual(["OOPS"]);
    expect(p.html).toContain("<strong>try again</strong>");
    expect(p.text).toContain("acme/web#42");
  });
});

describe("redactReplyKeys", () => {
  it("hides the reply keys a quoted email carries, and nothing else", async () => {
    const { redactReplyKeys } = await import("./reply-key.ts");
    const key = "0123456789abcdef0123456789abcdef";
    const quoted = `> unsubscribe: https://desk.example.com/-/unsubscribe/${key}\n> incoming+${key}@x.test incoming+${key}-unsubscribe@x.test <reply-${key}@desk.example.com>\nSee #12 and a1b2.`;
    const out = redactReplyKeys(quoted);
    expect(out).not.toContain(key);
    expect(out).toContain("/-/unsubscribe/[redacted]");
    expect(out).toContain("incoming+[redacted]@x.test incoming+[redacted]-unsubscribe@x.test");
    expect(out).toContain("See #12 and a1b2.");
  });
});

describe("the plain-text part of a note", () => {
  it("shows the quoted part of a reply as text, without the collapsed-block HTML", () => {
    const note = "Thanks!\n\n<details><summary>...</summary>\n\n> On Monday we wrote:\n> hello\n\n</details>";
    const out = renderEmail("%{NOTE_TEXT}", { NOTE_TEXT: note });
    expect(out.text).toBe("Thanks!\n\n> On Monday we wrote:\n> hello\n");
    expect(out.html).toContain("<details>");
  });

  it("shows links and images as their text and URL, and leaves code alone", () => {
    const note = [
      "See [the docs](https://example.com/docs), ![screen.png](/uploads/x/screen.png) and [https://a.example](https://a.example).",
      "Run `[x](y)` or:",
      "```",
      "[a](b)",
      "```",
    ].join("\n");
    const out = renderEmail("%{NOTE_TEXT}", { NOTE_TEXT: note }, { baseUrl: "https://desk.example.com" });
    expect(out.text).toBe(
      [
        "See the docs <https://example.com/docs>, screen.png <https://desk.example.com/uploads/x/screen.png> and https://a.example.",
        "Run `[x](y)` or:",
        "```",
        "[a](b)",
        "```",
        "",
      ].join("\n"),
    );
  });
});

describe("a participant's note sent to the others (issue 12.5)", () => {
  it("begins with who wrote it, in both parts, the name escaped as text", () => {
    const out = renderEmail(
      DEFAULT_TEMPLATES.newNote,
      { NOTE_TEXT: "Same here, **urgent**.", ISSUE_ID: "#3" },
      { noteAuthor: "Dave <b>Miller</b> & Co" },
    );
    expect(out.text).toMatch(/^Dave <b>Miller<\/b> & Co wrote:\n\nSame here, \*\*urgent\*\*\.\n/);
    const html = body(out.html);
    expect(html).toContain("Dave &lt;b&gt;Miller&lt;/b&gt; &amp; Co wrote:</p>");
    expect(html.indexOf("wrote:")).toBeLessThan(html.indexOf("<strong>urgent</strong>"));
  });

  it("says it inline too when the template puts the note in running text", () => {
    const out = renderEmail("Reply: %{NOTE_TEXT}", { NOTE_TEXT: "ok" }, { noteAuthor: "Dave" });
    expect(out.text).toBe("Reply: Dave wrote:\n\nok\n");
    expect(body(out.html)).toContain("Reply: Dave wrote: ok");
  });

  it("adds nothing for a responder's note (their name is the From)", () => {
    expect(renderEmail("%{NOTE_TEXT}", { NOTE_TEXT: "ok" }).text).toBe("ok\n");
  });
});

describe("plainTextEmail (a rejection)", () => {
  it("keeps the text and makes an HTML part of its paragraphs, escaped, in the same layout", () => {
    const out = plainTextEmail("We couldn't find the project.\n\nDetails: <b>x</b> & y\nline two\n", "[Rejected] Hi");
    expect(out.text).toBe("We couldn't find the project.\n\nDetails: <b>x</b> & y\nline two\n");
    expect(body(out.html)).toContain("We couldn&#39;t find the project.</p>");
    expect(body(out.html)).toContain("Details: &lt;b&gt;x&lt;/b&gt; &amp; y<br>\nline two</p>");
    expect(out.html).toContain("<title>[Rejected] Hi</title>");
    expect(out.html).not.toMatch(/<table|<style/);
  });
});
