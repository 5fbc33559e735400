// D4 through the running product: the customer follows the thank-you email's unsubscribe link,
// confirms, and the responder sees the system note; nothing more is sent to them.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { capturedMail, sendCustomerMail, waitForMail } from "./support/mail.ts";
import { graphql, serviceDeskAddress, unique } from "./web-helpers.ts";

test("a customer unsubscribes through the link in the thank-you email and gets no further mail", async ({
  page,
  browser,
}) => {
  const customer = `unsub.${Date.now()}@customer.example`;
  const subject = unique("Please stop emailing me");
  await signInAs(page, "maintainer");
  const address = await serviceDeskAddress(page, "demo/app");
  await sendCustomerMail({ from: customer, to: address, subject, text: "One question, then silence please." });

  const thankYou = await waitForMail((m) => m.envelopeTo === customer && (m.subject ?? "").includes(subject));
  const listUnsubscribe = thankYou.headerLines.find((h) => h.key === "list-unsubscribe")?.line ?? "";
  const link = /<(https?:\/\/[^>]+)>/.exec(listUnsubscribe)?.[1];
  expect(link, listUnsubscribe).toBeTruthy();

  // The customer, in their own browser session (not signed in).
  const customerPage = await (await browser.newContext()).newPage();
  await customerPage.goto(link as string);
  await expect(customerPage.getByRole("heading", { name: "Unsubscribe from this ticket?" })).toBeVisible();
  await customerPage.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(customerPage.getByRole("heading", { name: "You have been unsubscribed" })).toBeVisible();

  // The responder sees it in the thread, and a public comment no longer reaches the customer.
  await page.goto("/demo/app/-/issues");
  await page.getByRole("link", { name: subject }).click();
  await expect(page.getByText(`unsubscribed ${customer}`)).toBeVisible();
  await expect(page.getByText("Nobody will be emailed: every participant has unsubscribed.")).toBeVisible();
  await page.getByLabel("Write a reply").fill("Anyone still there?");
  await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
  // Exactly one such note, on screen and on the server (a double post would fail both). The barrier is the
  // posted note itself and the emptied composer: the composer's own text matches a plain text search while
  // the mutation is still in flight.
  await expect(page.getByRole("article", { name: "Comment by @maintainer" })).toContainText("Anyone still there?");
  await expect(page.getByLabel("Write a reply")).toHaveValue("");
  await expect(page.getByRole("article").filter({ hasText: "Anyone still there?" })).toHaveCount(1);
  // And the composer does not claim it went out.
  await expect(page.getByRole("status").filter({ hasText: "Comment added." })).toBeVisible();
  const iid = /\/-\/issues\/(\d+)/.exec(page.url())?.[1];
  const thread = await graphql<{
    project: { issue: { notes: { nodes: { body: string }[] }; emails: { to: string; subject: string }[] } };
  }>(
    page,
    `query($iid: String!) { project(fullPath: "demo/app") { issue(iid: $iid) {
       notes(first: 100) { nodes { body } } emails { to subject } } } }`,
    { iid },
  );
  expect(thread.project.issue.notes.nodes.filter((n) => n.body === "Anyone still there?")).toHaveLength(1);
  // Nothing can reach the customer: the outbox (the only way out) holds no email for them but the
  // thank-you, as of the comment's own commit — a state, not a wait.
  expect(thread.project.issue.emails.filter((e) => e.to === customer).map((e) => e.subject)).toEqual([
    thankYou.subject,
  ]);
  const toCustomer = (await capturedMail()).filter((m) => m.envelopeTo === customer);
  expect(toCustomer.map((m) => m.subject)).toEqual([thankYou.subject]);
});
