// Issue 12.4: odd but real MIME from the fixtures (written here, modelled on what the clients send), read
// into exactly the note text and attachments a responder should get.
import { describe, expect, it } from "vitest";
import { contentOf, parseEmail } from "./decide.ts";
import { readHeaders } from "./headers.ts";
import { TNEF_NOTICE } from "./mime-quirks.ts";
import { mailFixture } from "./testing/fixtures.ts";

const read = async (name: string) => {
  const raw = mailFixture(name, { projectId: 1, slug: "email-test" });
  const content = contentOf(await parseEmail(raw), raw, readHeaders(raw));
  return {
    body: content.body,
    attachments: content.attachments.map((a) => `${a.filename ?? "(no name)"} ${a.contentType}`),
  };
};

describe("odd but real MIME (12.4)", () => {
  it("a single HTML part with an invalid Content-Disposition is the body, not attachment.html", async () => {
    expect(await read("mime-html-invalid-disposition.eml")).toEqual({
      body: "Our printer shows **error 49** since this morning.\n\nAda",
      attachments: [],
    });
  });

  it("an HTML part marked as an attachment without a name, in a message without a body, is the body (its charset kept)", async () => {
    expect(await read("mime-html-attachment-no-name.eml")).toEqual({
      body: "Why does invoice 1042 say étudiant?",
      attachments: [],
    });
  });

  it("a message forwarded as an attachment shows its sender, date, subject and text; its own attachments are extracted; the .eml stays", async () => {
    expect(await read("mime-forward-as-attachment.eml")).toEqual({
      body: [
        "Please see the courier's message below, it has the tracking photo.",
        "",
        "Ada",
        "",
        "---",
        "",
        "**Attached message** “Delivery failed for order 88” from Courier Desk <desk@courier.example>, Mon, 30 Nov 2026 08:00:00 GMT:",
        "",
        "We could not deliver order **88**: nobody was home.",
      ].join("\n"),
      attachments: ["Delivery failed for order 88.eml message/rfc822", "doorstep.png image/png"],
    });
  });

  it("winmail.dat (TNEF) is kept as it came and flagged in the note", async () => {
    expect(await read("mime-winmail.eml")).toEqual({
      body: `The signed contract is attached.\n\n---\n\n${TNEF_NOTICE}`,
      attachments: ["winmail.dat application/ms-tnef"],
    });
  });

  it("a named HTML file sent with a text body stays an attachment", async () => {
    const raw = Buffer.from(
      [
        "From: a@customer.example",
        "Subject: Report",
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "The report is attached.",
        "--b",
        'Content-Type: text/html; name="report.html"',
        'Content-Disposition: attachment; filename="report.html"',
        "",
        "<p>report</p>",
        "--b--",
        "",
      ].join("\r\n"),
    );
    const content = contentOf(await parseEmail(raw), raw, readHeaders(raw));
    expect(content.body).toBe("The report is attached.");
    expect(content.attachments.map((a) => a.filename)).toEqual(["report.html"]);
  });
});
