// Issue 12.4: odd but real MIME from the fixtures (written here, modelled on what the clients send), read
// into exactly the note text and attachments a responder should get.
import { describe, expect, it } from "vitest";
import { replyNoteBody } from "./content.ts";
import { contentOf, parseEmail, trimmedReplyOf } from "./decide.ts";
import { readHeaders } from "./headers.ts";
import { emlName, TNEF_NOTICE } from "./mime-quirks.ts";
import { mailFixture } from "./testing/fixtures.ts";

const contentOfRaw = async (raw: Buffer) => contentOf(await parseEmail(raw), raw, readHeaders(raw));

const listed = (content: Awaited<ReturnType<typeof contentOfRaw>>) =>
  content.attachments.map((a) => `${a.filename ?? "(no name)"} ${a.contentType}`);

const read = async (name: string) => {
  const content = await contentOfRaw(mailFixture(name, { projectId: 1, slug: "email-test" }));
  return { body: content.body, attachments: listed(content) };
};

/** A message that is one HTML part with the given Content-Disposition header line. */
const singleHtml = (disposition: string) =>
  Buffer.from(
    [
      "From: Ada Lovelace <ada@customer.example>",
      "Subject: Printer",
      "MIME-Version: 1.0",
      "Content-Type: text/html; charset=utf-8",
      disposition,
      "",
      "<p>The printer shows <b>error 49</b>.</p>",
      "",
    ].join("\r\n"),
  );

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

  for (const disposition of [
    "Content-Disposition: inline; filename",
    "Content-Disposition: inline; filename=",
    "Content-Disposition: attachment",
    'Content-Disposition: attachment; filename=""',
    "Content-Disposition: ; size=120",
    "Content-Disposition: x-garbage",
  ]) {
    it(`a single HTML part with “${disposition}” is the body`, async () => {
      const content = await contentOfRaw(singleHtml(disposition));
      expect({ body: content.body, attachments: listed(content) }).toEqual({
        body: "The printer shows **error 49**.",
        attachments: [],
      });
    });
  }

  it("the HTML alternative of a text body, with an invalid Content-Disposition, is not a file", async () => {
    expect(await read("mime-alternative-html-bad-disposition.eml")).toEqual({
      body: "Name: Grace Hopper\nMessage: After the password reset the login page keeps sending me back to itself.",
      attachments: [],
    });
  });

  it("a message that is one named HTML part is its body, and the file stays", async () => {
    expect(await read("mime-single-part-named-html.eml")).toEqual({
      body: "## Backup report\n\n2 of 14 jobs **failed**: fileserver, mail.",
      attachments: ["report.html text/html"],
    });
  });

  it("a forward of a forward: both attached messages shown in order, the unnamed one stored under its subject", async () => {
    expect(await read("mime-forward-nested.eml")).toEqual({
      body: [
        "Our accounts team forwarded me this, the amount looks wrong.",
        "",
        "---",
        "",
        "**Attached message** “Fwd: Invoice 1042” from Charles Babbage <charles@customer.example>, Mon, 30 Nov 2026 16:00:00 GMT:",
        "",
        "See the supplier's mail below.",
        "",
        "---",
        "",
        "**Attached message** “Invoice 1042” from Supplier Billing <billing@supplier.example>, Mon, 30 Nov 2026 12:00:00 GMT:",
        "",
        "Please find invoice 1042 attached: 1,042.00 EUR.",
      ].join("\n"),
      attachments: [
        "Fwd: Invoice 1042.eml message/rfc822",
        "Invoice 1042.eml message/rfc822",
        "invoice-1042.pdf application/pdf",
      ],
    });
  });

  it("attached messages are opened three deep; the fourth is named and kept as a file", async () => {
    const level = (n: number) => [
      "",
      "---",
      "",
      `**Attached message** “Level ${n}” from Level ${n} <level${n}@customer.example>, Tue, 01 Dec 2026 10:00:00 GMT:`,
      "",
      `Text of level ${n}.`,
    ];
    expect(await read("mime-forward-too-deep.eml")).toEqual({
      body: [
        "A chain of forwards, each attached to the next.",
        ...level(1),
        ...level(2),
        ...level(3),
        "",
        "---",
        "",
        "**Attached message** Level 4.eml is nested more than 3 messages deep; it is kept as an attachment.",
      ].join("\n"),
      attachments: [1, 2, 3, 4].map((n) => `Level ${n}.eml message/rfc822`),
    });
  });

  it("a reply forwarding a message as an attachment: its quote is trimmed, the attached message follows the reply", async () => {
    const content = await contentOfRaw(mailFixture("mime-forward-as-attachment-reply.eml"));
    expect(listed(content)).toEqual([
      "Delivery failed for order 88.eml message/rfc822",
      "label-88.pdf application/pdf",
    ]);
    expect(replyNoteBody(trimmedReplyOf(content))).toBe(
      [
        "Here is the courier's email you asked for.",
        "",
        "Ada",
        "",
        "---",
        "",
        "**Attached message** “Delivery failed for order 88” from Courier Desk <desk@courier.example>, Mon, 30 Nov 2026 08:00:00 GMT:",
        "",
        "We could not deliver order 88: nobody was home.",
        "The new label is attached.",
        "",
        "<details><summary>...</summary>",
        "",
        "> On 30 Nov 2026, at 10:00, Demo Support <support@appmail.example> wrote:",
        ">",
        "> Could you forward us the courier's email about order 88?",
        "",
        "</details>",
      ].join("\n"),
    );
  });

  it("a reply's TNEF notice follows the reply's own text, after its quote is trimmed", async () => {
    const raw = Buffer.from(
      [
        "From: Ada Lovelace <ada@customer.example>",
        "To: reply+59d8df8370b7e95c5a49fbf86aeb2c93@appmail.example",
        "Subject: RE: Contract",
        'Content-Type: multipart/mixed; boundary="ol"',
        "",
        "--ol",
        "Content-Type: text/plain",
        "",
        "Signed, see attached.",
        "",
        "-----Original Message-----",
        "From: Demo Support <support@appmail.example>",
        "Please sign the contract.",
        "--ol",
        'Content-Type: application/ms-tnef; name="winmail.dat"',
        'Content-Disposition: attachment; filename="winmail.dat"',
        "Content-Transfer-Encoding: base64",
        "",
        "eJ8+IgEAAQaQCAAEAAAAAAABAAEAAQeQBgAIAAAA5AQAAAAAAADoAAEIgAcAGAAAAElQTS5NaWNyb3NvZnQgTWFpbC5Ob3RlADEI",
        "--ol--",
        "",
      ].join("\r\n"),
    );
    const trimmed = trimmedReplyOf(await contentOfRaw(raw));
    expect(trimmed.message).toBe(`Signed, see attached.\n\n---\n\n${TNEF_NOTICE}`);
    expect(trimmed.stripped.split("\n")[0]).toBe("-----Original Message-----");
  });

  it("an unnamed attached message is named after its subject, without path separators, within 100 characters", () => {
    expect(emlName("Re: order 12/88 \\ returns")).toBe("Re: order 12-88 - returns.eml");
    expect(emlName(`  ${"x".repeat(150)}`)).toBe(`${"x".repeat(100)}.eml`);
    expect(emlName("   ")).toBe("Attached message.eml");
    expect(emlName(undefined)).toBe("Attached message.eml");
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
