// Issue 10.1: nothing waits unseen. A customer's reply to a closed ticket reopens it and puts it on top of
// "Needs reply", live, bold as unread; reading the thread clears "unread"; a public answer takes it off.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { replyToMail, sendCustomerMail, waitForMail } from "./support/mail.ts";
import { collectPageErrors, seriousViolations, serviceDeskAddress, unique, waitForIssueIid } from "./web-helpers.ts";

test("a customer's reply to a closed ticket lands on top of Needs reply, live, unread until read", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await signInAs(page, "reporter");
  const desk = await serviceDeskAddress(page, "demo/app");
  const customer = `waiting.${Date.now()}@customer.example`;
  const subject = unique("Printer still broken");
  await sendCustomerMail({ from: `Ada <${customer}>`, to: desk, subject, text: "It jams." });
  const iid = await waitForIssueIid(page, subject);
  const thanks = await waitForMail((m) => m.envelopeTo === customer && (m.subject ?? "").includes(subject));

  // Answered and closed: it no longer needs a reply.
  await page.goto(`/demo/app/-/issues/${iid}`);
  await page.getByLabel("Write a reply").fill("Fixed, it was the roller.");
  await page.getByRole("button", { name: "Comment & close" }).click();
  await expect(page.getByText("closed", { exact: true })).toBeVisible();

  await page.goto("/demo/app/-/issues?state=needs_reply&sort=LAST_CUSTOMER_ACTIVITY_DESC");
  await expect(page.getByRole("tab", { name: /Needs reply/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator(`[data-issue-iid="${iid}"]`)).toHaveCount(0);

  // The customer answers the thank-you email: live, on top, unread, waiting.
  await replyToMail(thanks, { from: `Ada <${customer}>`, text: "It jams again!" });
  const row = page.locator(`[data-issue-iid="${iid}"]`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".issue-row").first()).toHaveAttribute("data-issue-iid", iid);
  await expect(row).toContainText(/Needs reply · waiting (under 1 min|\d+ min)/);
  await expect(row).toHaveClass(/issue-row--unread/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/needs-reply-1280.png", fullPage: true });

  // Reading it clears "unread"; it was reopened; a public answer takes it off "Needs reply".
  await row.getByRole("link").click();
  await expect(page.getByRole("article", { name: `Message from ${customer}` })).toContainText("It jams again!");
  await expect(page.locator(".thread__meta")).toContainText("Open");
  await page.getByLabel("Write a reply").fill("Sending a technician.");
  await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
  await expect(page.getByRole("article", { name: "Reply to customer by @reporter" }).last()).toContainText(
    "technician",
  );
  await page.goto("/demo/app/-/issues?state=needs_reply");
  await expect(page.getByRole("tab", { name: /Needs reply/ })).toBeVisible();
  await expect(page.locator(`[data-issue-iid="${iid}"]`)).toHaveCount(0);
  await page.goto("/demo/app/-/issues");
  await expect(page.locator(`[data-issue-iid="${iid}"]`)).not.toHaveClass(/issue-row--unread/);
  expect(errors).toEqual([]);
});
