import { marked } from "marked";
import { describe, expect, it } from "vitest";
import {
  appendTemplate,
  bodyOf,
  htmlToMarkdown,
  neutraliseQuickActions,
  onlyQuickActions,
  replyNoteBody,
} from "./content.ts";
import { parseEmail } from "./process-inbound-email.ts";
import { mailFixture } from "./testing/fixtures.ts";
import { trimReply } from "./trim.ts";

const bodyOfFixture = async (name: string) => bodyOf(await parseEmail(mailFixture(name)));

describe("content", () => {
  it("neutralises quick actions outside code fences (a Gmail ticket)", async () => {
    expect(neutraliseQuickActions(await bodyOfFixture("new-ticket-gmail.eml"))).toBe(
      "The printer is on fire!\n\n```\nlp -d office report.pdf\n```\n\n`/label ~urgent`\n`/assign @devops`\n`/close`",
    );
  });

  it("neutralises a quick action on the first line and after CRLF, and leaves slashes inside lines alone", () => {
    expect(neutraliseQuickActions("/close\nthanks")).toBe("`/close`\nthanks");
    expect(neutraliseQuickActions("Hi\r\n/label ~bug\r\n")).toBe("Hi\r\n`/label ~bug`\n");
    const plain = "and/or see https://example.org/a/b\n  /not at the start\n\t/nor here";
    expect(neutraliseQuickActions(plain)).toBe(plain);
  });

  it("prefers text/plain and decodes ISO-8859-2 (Thunderbird)", async () => {
    const parsed = await parseEmail(mailFixture("thunderbird-iso-8859-2.eml"));
    expect(parsed.subject).toBe("Tiskárna nefunguje ťžščľ");
    expect(bodyOf(parsed)).toBe("Tiskárna stále nefunguje: ťžščľžťťč");
  });

  it("decodes a Shift_JIS body", async () => {
    expect(await bodyOfFixture("reply-shift-jis.eml")).toContain("プリンターが燃えています");
  });

  it("converts HTML-only mail to Markdown keeping emphasis, links, images, and the quote for <details>", async () => {
    const body = await bodyOfFixture("gmail-html-only.eml");
    expect(body).toContain("### Replying from Gmail in a browser.");
    expect(body).toContain("This line has **bold** text, **strong** text and *italic* text.");
    expect(body).toContain("[the status page](https://status.example.org)");
    expect(body).toContain("![Printer](http://img.example.org/printer.png)");
    const note = replyNoteBody(trimReply(body));
    expect(note).toMatch(/Thanks for looking\.\n\n<details><summary>\.\.\.<\/summary>\n\nOn Tue, Nov 3, 2026/);
    expect(note).toContain("> We are looking into it.");
  });

  it("keeps an HTML table as a GFM table and a blockquote as a quote", async () => {
    const body = await bodyOfFixture("html-table-and-blockquote.eml");
    expect(body).toMatch(/\| Office \| Contact \| Printers \|/);
    expect(body).toMatch(/\| Oslo \| Kari Nordmann \| 5 \|/);
    expect(body).toContain("> Measure twice, print once.");
  });

  it("trims the 'On … wrote:' quote", async () => {
    const { message } = trimReply(await bodyOfFixture("on-wrote-leading-blank.eml"));
    expect(message).toBe("Yes: turn the printer off, wait ten seconds and turn it on again.");
  });

  it("decodes Outlook's base64 HTML part", async () => {
    expect(await bodyOfFixture("outlook-html-base64.eml")).toBe(
      "Outlook desktop sends this in base64.\n\nSecond paragraph.",
    );
  });

  it("keeps the trimmed quote in a collapsed <details> block", async () => {
    const note = replyNoteBody(trimReply(await bodyOfFixture("reply-commands-and-quote.eml")));
    expect(note).toMatch(
      /^Great, that fixed it!\n\n`\/close`\n`\/label ~solved`\n\n<details><summary>\.\.\.<\/summary>\n\nOn Thu, Nov 5, 2026/,
    );
    expect(note.endsWith("\n\n</details>")).toBe(true);
  });

  it("finds nothing to post in a quote-only reply and a commands-only reply", async () => {
    expect(trimReply(await bodyOfFixture("reply-quote-only.eml")).message).toBe("");
    expect(onlyQuickActions(trimReply(await bodyOfFixture("reply-commands-only.eml")).message)).toBe(true);
  });

  it("keeps quotes untrimmed for new issues", async () => {
    expect(await bodyOfFixture("new-ticket-with-quote.eml")).toContain(
      "> Please ask the vendor why invoice 1042 lists two printers.",
    );
    expect(await bodyOfFixture("new-ticket-only-quotes.eml")).toContain("> Nothing else was added to this forward.");
  });

  it("appends the description template after a blank line, so the line above never becomes a heading", async () => {
    expect(appendTemplate("body", "text from template")).toBe("body\n\ntext from template");
    expect(appendTemplate("", "text from template")).toBe("text from template");
    // A template that starts with a setext underline no longer makes the customer's last line a heading.
    const html = await marked.parse(appendTemplate("The printer is broken.", "===\nChecklist for the team"));
    expect(html).not.toMatch(/<h\d/);
    expect(html).toContain("The printer is broken.");
    expect(appendTemplate("body", null)).toBe("body");
  });

  it("never throws on broken HTML", () => {
    expect(htmlToMarkdown("<table><tr><td>a<td><b>b</table></i>")).toContain("a");
  });
});
