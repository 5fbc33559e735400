// Issue 10.2, story (a): a customer replies to a closed ticket → it is on top of "Needs reply", live; the
// assignee's bell counts it, live, and their inbox lists it; reading it clears it. The assignee's email
// goes to them only, with their own reply key — and their reply to it becomes their public comment.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { capturedMail, replyToMail, sendCustomerMail, waitForMail } from "./support/mail.ts";
import {
  collectPageErrors,
  seriousViolations,
  serviceDeskAddress,
  subscriptionsStarted,
  unique,
  waitForIssueIid,
} from "./web-helpers.ts";

const keyOf = (address: string | undefined) => /\+([0-9a-f]{32})(?:-unsubscribe)?@/.exec(address ?? "")?.[1] ?? null;

test("the assignee's bell and inbox get a customer's reply to a closed ticket, and reading it clears it", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const errors = collectPageErrors(page);
  await signInAs(page, "developer");
  const desk = await serviceDeskAddress(page, "demo/app");
  const customer = `bell.${Date.now()}@customer.example`;
  const subject = unique("Scanner offline");
  await sendCustomerMail({ from: `Bea <${customer}>`, to: desk, subject, text: "The scanner is offline." });
  const iid = await waitForIssueIid(page, subject);
  const thanks = await waitForMail((m) => m.envelopeTo === customer && (m.subject ?? "").includes(subject));
  const customerKey = keyOf(thanks.replyTo?.value[0]?.address);
  expect(customerKey).not.toBeNull();

  // Taken, answered and closed in one comment.
  await page.goto(`/demo/app/-/issues/${iid}`);
  await page.getByLabel("Write a reply").fill("Restarted it for you.\n/assign me");
  await page.getByRole("button", { name: "Comment & close" }).click();
  await expect(page.getByText("closed", { exact: true })).toBeVisible();

  const live = subscriptionsStarted(page, ["NotificationReceived", "IssueCreated"]);
  await page.goto("/demo/app/-/issues?state=needs_reply&sort=LAST_CUSTOMER_ACTIVITY_DESC");
  const bell = page.getByRole("link", { name: /^Notifications, / });
  await expect(bell).toBeVisible();
  const before = Number(/(\d+) unread/.exec((await bell.getAttribute("aria-label")) ?? "")?.[1] ?? 0);
  await live;

  await replyToMail(thanks, { from: `Bea <${customer}>`, text: "Offline again this morning." });
  // Live: on top of Needs reply, and one more on the bell.
  const row = page.locator(`[data-issue-iid="${iid}"]`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".issue-row").first()).toHaveAttribute("data-issue-iid", iid);
  await expect(bell).toHaveAttribute("aria-label", `Notifications, ${before + 1} unread`, { timeout: 15_000 });

  // The assignee's email: to them alone, the customer's words, their own reply key (never the customer's).
  const toMe = await waitForMail(
    (m) => m.envelopeTo === "developer@example.com" && (m.subject ?? "") === `[demo/app] Re: ${subject} (#${iid})`,
  );
  expect(toMe.text).toContain("Offline again this morning.");
  const teamKey = keyOf(toMe.replyTo?.value[0]?.address);
  expect(teamKey).not.toBeNull();
  expect(teamKey).not.toBe(customerKey);
  expect(`${toMe.text}${toMe.html}`).not.toContain(customerKey ?? "-");
  const toCustomer = (await capturedMail()).filter((m) => m.envelopeTo === customer);
  expect(toCustomer.some((m) => (m.subject ?? "").startsWith("[demo/app]"))).toBe(false);

  // The inbox lists it, unread; opening it reads it, and the bell follows.
  await bell.click();
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  const entry = page.getByRole("listitem").filter({ hasText: subject }).first();
  await expect(entry).toContainText("Customer replied");
  await expect(entry).toContainText("assigned to you");
  await expect(entry).toHaveClass(/is-unread/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/inbox-1280.png", fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/inbox-375.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  // Each project's level is chosen here; it is saved at once and said so (then set back for the other stories).
  const level = page.getByLabel("demo/app", { exact: true });
  await expect(level).toHaveValue("ASSIGNED");
  await level.selectOption({ label: "Every new ticket and customer reply" });
  await expect(page.getByRole("status").filter({ hasText: "demo/app: Every new ticket" })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("demo/app", { exact: true })).toHaveValue("WATCH");
  await page.getByLabel("demo/app", { exact: true }).selectOption({ label: "Only tickets assigned to me" });
  await expect(page.getByRole("status").filter({ hasText: "demo/app: Only tickets assigned to me." })).toBeVisible();

  await entry.getByRole("link").click();
  await expect(page.getByRole("article", { name: `Message from ${customer}` })).toContainText("Offline again");
  await expect(bell).toHaveAttribute(
    "aria-label",
    before ? `Notifications, ${before} unread` : "Notifications, none unread",
  );
  await bell.click();
  await expect(page.getByRole("listitem").filter({ hasText: subject }).first()).not.toHaveClass(/is-unread/);

  // Answering by email: the reply to the notification is the developer's public comment, and reaches Bea.
  await replyToMail(toMe, { from: "Developer <developer@example.com>", text: "A new scanner is on its way." });
  await page.goto(`/demo/app/-/issues/${iid}`);
  await expect(page.getByRole("article", { name: "Reply to customer by @developer" }).last()).toContainText(
    "A new scanner is on its way.",
    { timeout: 30_000 },
  );
  await waitForMail((m) => m.envelopeTo === customer && (m.text ?? "").includes("A new scanner is on its way."));
  expect(errors).toEqual([]);
});
