// Issue 12.5: what the customer receives renders on a phone and its attachment links work for them.
// The real emails (capture inbox) are opened in Chromium at 375 px wide: no horizontal scroll, no remote
// asset besides the content's own files; the signed attachment link downloads without an account.
import { expect, type Page, test } from "@playwright/test";
import type { ParsedMail } from "mailparser";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail, waitForMail } from "./support/mail.ts";
import { graphql, serviceDeskAddress, unique, waitForIssueIid } from "./web-helpers.ts";

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
const LONG_URL = `https://docs.example.com/printers/troubleshooting/${"a-very-long-path-segment-without-breaks-".repeat(6)}?session=${"f".repeat(80)}`;

/** Renders an email's HTML part at phone width, offline; what it asked the network for. */
const renderOnPhone = async (page: Page, html: string) => {
  const requested: string[] = [];
  await page.route(/.*/, (route) => {
    requested.push(route.request().url());
    return route.abort();
  });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.setContent(html, { waitUntil: "load" });
  const size = await page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
  await page.unrouteAll({ behavior: "ignoreErrors" });
  return { requested, size };
};

test("customer emails render at 375 px without horizontal scroll, and their attachment links open without an account", async ({
  page,
  browser,
}) => {
  const customer = `phone.${Date.now()}@customer.example`;
  const subject = unique("Printer fire with screenshot");
  await signInAs(page, "maintainer");
  await sendCustomerMail({
    from: `Ada Lovelace <${customer}>`,
    to: await serviceDeskAddress(page, "demo/app"),
    subject,
    text: `The printer is on fire, see ${LONG_URL}`,
    attachments: [{ filename: "screen.png", content: PNG, contentType: "image/png" }],
  });
  const thanks = await waitForMail((m) => m.envelopeTo.includes(customer));
  const iid = await waitForIssueIid(page, subject);
  const { project } = await graphql<{ project: { issue: { id: string; description: string } } }>(
    page,
    'query ($iid: String!) { project(fullPath: "demo/app") { issue(iid: $iid) { id description } } }',
    { iid },
  );
  const upload = /\((\/uploads\/[0-9a-f]{32}\/screen\.png)\)/.exec(project.issue.description)?.[1];
  expect(upload, "the screenshot is linked from the description").toBeTruthy();

  // A responder's answer with a long URL, a table and the customer's screenshot.
  const answer = unique("Thanks Ada");
  const created = await graphql<{ createNote: { errors: string[] } }>(
    page,
    "mutation ($i: CreateNoteInput!) { createNote(input: $i) { errors } }",
    {
      i: {
        noteableId: project.issue.id,
        body: `${answer}, the fix is at ${LONG_URL}\n\n| Step | Command |\n|---|---|\n| 1 | \`lpstat -p office-printer-third-floor-west-wing --long --verbose\` |\n\n![screen.png](${upload})`,
      },
    },
  );
  expect(created.createNote.errors).toEqual([]);
  const note = await waitForMail((m) => m.envelopeTo.includes(customer) && (m.text ?? "").includes(answer));

  for (const [name, mail] of [
    ["thank-you", thanks],
    ["new-note", note],
  ] as [string, ParsedMail][]) {
    expect(typeof mail.text, `${name} has a text/plain part`).toBe("string");
    expect(typeof mail.html, `${name} has an HTML part`).toBe("string");
    const { requested, size } = await renderOnPhone(page, mail.html as string);
    await page.screenshot({ path: `test-results/screens/email-375-${name}.png`, fullPage: true });
    expect(size.scrollWidth, `${name}: no horizontal scroll at 375 px`).toBeLessThanOrEqual(size.clientWidth);
    // No remote asset of the layout's own: the only request is the note's own (signed) screenshot.
    for (const url of requested) expect(url).toMatch(/\/uploads\/[0-9a-f]{32}\/screen\.png\?expires=\d+&signature=/);
  }

  // The link in the email opens for the customer, who has no account; tampered, it does not.
  const link = /https?:\/\/\S+\/uploads\/[0-9a-f]{32}\/screen\.png\?expires=\d+&signature=[\w-]+/.exec(
    note.text ?? "",
  )?.[0];
  expect(link, "the text part carries the signed link").toBeTruthy();
  const stranger = await browser.newContext();
  try {
    const ok = await stranger.request.get(link!);
    expect(ok.status()).toBe(200);
    expect(Buffer.from(await ok.body()).equals(PNG)).toBe(true);
    const tampered = await stranger.request.get(
      link!.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 1}`),
    );
    expect(tampered.status()).toBe(404);
    expect((await stranger.request.get(link!.split("?")[0])).status()).toBe(404);
  } finally {
    await stranger.close();
  }
});
