// The text/plain part of every customer email, by snapshot (issue 12.5: it must read well on its own).
// A changed snapshot is reviewed as text: `npx vitest run --project unit -u <this file>` rewrites it.
import { describe, expect, it } from "vitest";
import { sampleTemplateValues } from "./preview-template.ts";
import { REJECTION } from "../ingest/rejection-texts.ts";
import { rejectionText } from "./queue-emails.ts";
import { plainTextEmail, renderEmail } from "./render-email.ts";
import { signUploadUrl } from "./signed-links.ts";
import { DEFAULT_TEMPLATES } from "./templates.ts";

const BASE = "https://desk.example.com";
const signing = { secret: "k".repeat(32), dataDir: "/nonexistent", ttlMs: 30 * 86_400_000 };
const options = {
  baseUrl: BASE,
  signLink: (url: string) => signUploadUrl(url, BASE, signing, Date.UTC(2026, 11, 3)),
};
const values = {
  ...sampleTemplateValues("new_note", "acme/desk"),
  UNSUBSCRIBE_URL: `${BASE}/-/unsubscribe/${"0".repeat(32)}`,
};
const UPLOAD = `/uploads/${"a".repeat(32)}`;

const RESPONDER_NOTE = [
  "Hi Ada,",
  "",
  `thanks for the screenshot. The fix is described at https://docs.example.com/printers/troubleshooting/${"very-long-path-segment/".repeat(4)}fire?lang=en&section=overheating — see [the manual](https://docs.example.com/manual.pdf), and the log we took:`,
  "",
  `![printer-log.png](${UPLOAD}/printer-log.png)`,
  "",
  "```",
  "lpstat -p office  # [not a link](here)",
  "```",
  "",
  "Best regards,",
  "Sam",
].join("\n");

const PARTICIPANT_REPLY = [
  "It is out now, thanks. Attached the invoice.",
  "",
  `[Überweisung März.pdf](${UPLOAD}/%C3%9Cberweisung%20M%C3%A4rz.pdf)`,
  "",
  "<details><summary>...</summary>",
  "",
  "> On Tue, 3 Nov 2026 at 10:12, Acme Support <support@desk.example.com> wrote:",
  "> Hi Ada,",
  "",
  "</details>",
].join("\n");

describe("the text/plain part", () => {
  it("of the default thank-you", async () => {
    await expect(renderEmail(DEFAULT_TEMPLATES.thankYou, values, options).text).toMatchFileSnapshot(
      "__snapshots__/thank-you.txt",
    );
  });

  it("of a custom thank-you quoting the customer's description", async () => {
    const template =
      "Hello,\n\nwe received your request %{ISSUE_ID}:\n\n%{ISSUE_DESCRIPTION}\n\n---\n\nUnsubscribe: %{UNSUBSCRIBE_URL}";
    await expect(renderEmail(template, values, options).text).toMatchFileSnapshot("__snapshots__/thank-you-custom.txt");
  });

  it("of a responder's note", async () => {
    await expect(
      renderEmail(DEFAULT_TEMPLATES.newNote, { ...values, NOTE_TEXT: RESPONDER_NOTE }, options).text,
    ).toMatchFileSnapshot("__snapshots__/new-note-responder.txt");
  });

  it("of a participant's note sent to the others", async () => {
    await expect(
      renderEmail(
        DEFAULT_TEMPLATES.newNote,
        { ...values, NOTE_TEXT: PARTICIPANT_REPLY },
        { ...options, noteAuthor: "Ada Lovelace" },
      ).text,
    ).toMatchFileSnapshot("__snapshots__/new-note-participant.txt");
  });

  it("of the new-participant email", async () => {
    await expect(renderEmail(DEFAULT_TEMPLATES.newParticipant, values, options).text).toMatchFileSnapshot(
      "__snapshots__/new-participant.txt",
    );
  });

  it("of a rejection", async () => {
    const text = rejectionText("support@desk.example.com", REJECTION.serviceDeskDisabled);
    await expect(plainTextEmail(text, "[Rejected] Hello").text).toMatchFileSnapshot("__snapshots__/rejection.txt");
  });
});
