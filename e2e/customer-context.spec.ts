// Issue 10.4: in the thread, the requester's name and their other tickets in this project, and managing
// the ticket's email participants — with the line above the composer saying exactly who will be emailed.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail } from "./support/mail.ts";
import { collectPageErrors, seriousViolations, serviceDeskAddress, unique, waitForIssueIid } from "./web-helpers.ts";

test("the requester's other tickets are one click away, and Cc participants are managed in the sidebar", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  await signInAs(page, "reporter");
  const desk = await serviceDeskAddress(page, "demo/app");
  const customer = `context.${Date.now()}@customer.example`;
  const older = unique("Old order question");
  const newer = unique("New login problem");
  await sendCustomerMail({ from: `Grace Hopper <${customer}>`, to: desk, subject: older, text: "Where is it?" });
  const olderIid = await waitForIssueIid(page, older);
  await sendCustomerMail({ from: `Grace Hopper <${customer}>`, to: desk, subject: newer, text: "Cannot log in." });
  const newerIid = await waitForIssueIid(page, newer);

  await page.goto(`/demo/app/-/issues/${newerIid}`);
  const sidebar = page.getByRole("complementary", { name: "Issue details" });
  await expect(sidebar.getByText("Grace Hopper", { exact: true })).toBeVisible();
  await expect(sidebar).toContainText("2 tickets in this project, 2 open");
  await sidebar
    .getByRole("list", { name: "Other tickets from this requester" })
    .getByRole("link", { name: `#${olderIid}` })
    .click();
  await expect(page.getByRole("heading", { name: older, level: 1 })).toBeVisible();

  await page.goto(`/demo/app/-/issues/${newerIid}`);
  await expect(page.getByText(`Will be emailed to ${customer}`)).toBeVisible();
  await sidebar.getByLabel("Add by email (Cc)").fill("colleague@customer.example");
  await sidebar.getByRole("button", { name: "Add participant" }).click();
  await expect(sidebar.getByRole("button", { name: "Remove colleague@customer.example" })).toBeVisible();
  await expect(page.getByText(`Will be emailed to ${customer}, colleague@customer.example`)).toBeVisible();
  await expect(page.getByText("added colleague@customer.example", { exact: true })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await sidebar.getByRole("button", { name: `Remove ${customer}` }).click();
  await sidebar.getByRole("button", { name: "Remove colleague@customer.example" }).click();
  await expect(page.getByText("Nobody will be emailed: this ticket has no email participants.")).toBeVisible();
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await seriousViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});
