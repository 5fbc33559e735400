// Issue 6, the whole story: a customer email appears live in the open Service Desk list; a responder
// replies publicly (the customer receives it) and adds an internal note (nothing sent); the customer's
// emailed reply appears live in the open thread; the responder closes the issue.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { capturedMail, sendCustomerMail, waitForMail } from "./support/mail.ts";
import { collectPageErrors, serviceDeskAddress, subscriptionsStarted, unique } from "./web-helpers.ts";

test("a customer's email becomes a live issue that a responder answers, notes internally and closes", async ({
  page,
}) => {
  const errors = collectPageErrors(page);
  const customer = `jane.${Date.now()}@customer.example`;
  const subject = unique("Printer on fire");
  await signInAs(page, "maintainer");
  const address = await serviceDeskAddress(page, "demo/app");

  const listLive = subscriptionsStarted(page, ["IssueCreated", "IssueUpdated"]);
  await page.goto("/demo/app/-/issues");
  await expect(page.getByRole("tab", { name: "Service Desk", selected: true })).toBeVisible();
  await listLive;
  await page.evaluate(() => {
    (globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });

  await sendCustomerMail({
    from: `Jane Customer <${customer}>`,
    to: address,
    subject,
    text: "Hello,\n\nthe printer on the third floor is on fire.\n\nJane",
  });
  const row = page.getByRole("link", { name: subject });
  await expect(row).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expect(page.getByRole("listitem").filter({ has: row })).toContainText(customer);

  const threadLive = subscriptionsStarted(page, ["NoteCreated"]);
  await row.click();
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  await expect(page.getByText(customer).first()).toBeVisible();
  await expect(page.getByText("the printer on the third floor is on fire.")).toBeVisible();
  await threadLive;

  // A public reply is emailed to the customer.
  await page.getByLabel("Write a reply").fill("Thanks Jane, a technician is on the way.");
  await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
  await expect(page.getByRole("article", { name: "Reply to customer by @maintainer" })).toContainText(
    "a technician is on the way",
  );
  const notification = await waitForMail(
    (m) => m.envelopeTo.includes(customer) && (m.text ?? "").includes("a technician is on the way"),
  );

  // An internal note is marked as such and sent to nobody.
  const internalText = unique("Check the warranty");
  await page.getByRole("button", { name: "Internal note", exact: true }).click();
  await page.getByLabel("Write an internal note").fill(internalText);
  await page.getByRole("button", { name: "Add internal note" }).click();
  const internalNote = page.getByRole("article", { name: "Internal note by @maintainer" });
  await expect(internalNote).toContainText(internalText);
  await expect(internalNote.getByText("Internal note", { exact: true })).toBeVisible();

  // The customer answers the notification by email: the note appears live in the open thread.
  const replyTo = notification.replyTo?.value[0]?.address;
  expect(replyTo, "the notification carries a reply-key Reply-To").toMatch(/^incoming\+/);
  await sendCustomerMail({
    from: `Jane Customer <${customer}>`,
    to: replyTo,
    subject: `Re: ${notification.subject}`,
    inReplyTo: notification.messageId,
    references: notification.messageId ? [notification.messageId] : undefined,
    text: "It is still smoking a little.\n\nOn Monday, Support wrote:\n> Thanks Jane, a technician is on the way.",
  });
  await expect(page.getByRole("article", { name: `Message from ${customer}` })).toContainText(
    "It is still smoking a little.",
    { timeout: 30_000 },
  );

  // By now the worker has long processed the internal note's transaction: nothing carries its text.
  const everything = await capturedMail();
  expect(everything.filter((m) => `${m.text ?? ""}${m.html || ""}`.includes(internalText))).toEqual([]);

  await page.getByRole("button", { name: "Close issue" }).click();
  await expect(page.getByRole("button", { name: "Reopen issue" })).toBeVisible();
  await expect(page.getByRole("main").getByText("Closed", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/thread-story.png", fullPage: true });

  await page.getByRole("link", { name: "Service Desk", exact: true }).first().click();
  await expect(page.getByRole("link", { name: subject })).toHaveCount(0);
  expect(errors).toEqual([]);
});
