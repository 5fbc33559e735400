// Issue 14.3: a customer email queued with what renders it is rendered by the outbox runner when it sends,
// and every attempt sends the same bytes, as when the bodies were rendered in the queuing transaction.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MailSettings } from "./mail-settings.ts";
import { renderEmail } from "./render-email.ts";
import { customerRenderOptions, queuedEmailBodies, renderLater } from "./render-queued.ts";
import { DEFAULT_TEMPLATES } from "./templates.ts";

const HOUR = 3_600_000;
const mail: MailSettings = {
  publicUrl: "https://desk.example.com",
  emailFrom: "support@desk.example.com",
  incomingEmailAddress: "incoming+%{key}@desk.example.com",
  serviceDeskEmailAddress: null,
  messageIdHost: "desk.example.com",
  uploadLinks: { secret: "a-test-secret-of-enough-length-0123456789", dataDir: "/nonexistent", ttlMs: 24 * HOUR },
};
const queuedAt = new Date("2026-12-01T10:00:00Z");
const row = {
  textBody: null,
  htmlBody: null,
  createdAt: queuedAt,
  render: renderLater(
    "We got your request %{ISSUE_ID}:\n\n%{ISSUE_DESCRIPTION}\n\nUnsubscribe: %{UNSUBSCRIBE_URL}",
    {
      ISSUE_ID: "#7",
      ISSUE_DESCRIPTION: "The printer is **on fire**: ![photo](/uploads/ab12cd34ef56ab12cd34ef56ab12cd34/fire.png)",
      UNSUBSCRIBE_URL: "https://desk.example.com/-/unsubscribe/0123456789abcdef0123456789abcdef",
    },
    "Re: Printer (#7)",
  ),
};

afterEach(() => vi.useRealTimers());

describe("an email queued with what renders it", () => {
  it("renders the same bytes on every attempt, its upload links signed as of when it was queued", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(queuedAt.getTime() + 2 * HOUR));
    const first = queuedEmailBodies(mail, row);
    vi.setSystemTime(new Date(queuedAt.getTime() + 30 * HOUR));
    const retry = queuedEmailBodies(mail, row);
    expect(retry).toEqual(first);
    // The link expires a day after the email was queued, not after this attempt.
    const expires = Math.floor((queuedAt.getTime() + 24 * HOUR) / 1000);
    expect(first.html).toContain(`fire.png?expires=${expires}&amp;signature=`);
    expect(first.text).toContain("The printer is **on fire**");
    // The same as rendering it directly with the customer options.
    expect(first).toEqual(
      renderEmail(row.render.template, row.render.values, customerRenderOptions(mail, "Re: Printer (#7)", +queuedAt)),
    );
  });

  it("stores the values its template uses and no other, and renders as it would with all of them", () => {
    const values = {
      ISSUE_ID: "#7",
      ISSUE_PATH: "email/desk#7",
      ISSUE_URL: "https://desk.example.com/email/desk/-/issues/7",
      ISSUE_DESCRIPTION: "The printer is **on fire**.\n\n".repeat(200),
      UNSUBSCRIBE_URL: "https://desk.example.com/-/unsubscribe/0123456789abcdef0123456789abcdef",
      NOTE_TEXT: "",
    };
    const thankYou = renderLater(DEFAULT_TEMPLATES.thankYou, values, "Re: Printer (#7)");
    expect(Object.keys(thankYou.values).sort()).toEqual(["ISSUE_ID", "UNSUBSCRIBE_URL"]);
    expect(JSON.stringify(thankYou).length).toBeLessThan(600);
    const options = customerRenderOptions(mail, "Re: Printer (#7)", +queuedAt);
    expect(queuedEmailBodies(mail, { ...row, render: thankYou })).toEqual(
      renderEmail(DEFAULT_TEMPLATES.thankYou, values, options),
    );
    // A template that shows the description keeps it; inner whitespace in a placeholder counts (GitLab).
    const shown = renderLater("%{ ISSUE_DESCRIPTION }\n\n%{ISSUE_ID} %{NOT_OURS}", values, "Re: Printer (#7)");
    expect(shown.values).toEqual({ ISSUE_DESCRIPTION: values.ISSUE_DESCRIPTION, ISSUE_ID: "#7" });
    expect(queuedEmailBodies(mail, { ...row, render: shown })).toEqual(renderEmail(shown.template, values, options));
  });

  it("names the note's author when it is not the sender", () => {
    const note = { ...row, render: renderLater(DEFAULT_TEMPLATES.newNote, { NOTE_TEXT: "Out now." }, "Re: x", "Ada") };
    expect(queuedEmailBodies(mail, note).text).toMatch(/^Ada wrote:\n\nOut now\./);
  });

  it("keeps bodies queued as they are, and refuses a row with neither", () => {
    expect(queuedEmailBodies(mail, { ...row, textBody: "As queued", htmlBody: null })).toEqual({
      text: "As queued",
      html: null,
    });
    expect(() => queuedEmailBodies(mail, { ...row, render: null })).toThrow(/neither a body nor what renders it/);
  });
});
