// Issue 12.6: a customer answers one ticket's email about another matter. The responder sees why the email
// landed there, moves it to the right issue, and the customer's next reply in that chain arrives on the
// right issue by itself — live, without a reload.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail, waitForMail } from "./support/mail.ts";
import { collectPageErrors, seriousViolations, serviceDeskAddress, unique, waitForIssueIid } from "./web-helpers.ts";

test("a mis-threaded email is moved to the right issue, and the customer's next reply follows it", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await signInAs(page, "reporter");
  const desk = await serviceDeskAddress(page, "demo/app");
  const customer = `thread.${Date.now()}@customer.example`;
  const printer = unique("Printer jams");
  const invoice = unique("Invoice 1042 is wrong");
  await sendCustomerMail({ from: customer, to: desk, subject: printer, text: "The printer jams on every page." });
  await sendCustomerMail({ from: customer, to: desk, subject: invoice, text: "Invoice 1042 charges twice." });
  const printerIid = await waitForIssueIid(page, printer);
  const invoiceIid = await waitForIssueIid(page, invoice);
  const thanks = await waitForMail((m) => m.envelopeTo === customer && (m.subject ?? "").includes(printer));
  const replyAddress = thanks.replyTo?.value[0].address ?? "";
  expect(replyAddress).toMatch(/^incoming\+[0-9a-f]{32}@/);

  // The customer answers the printer ticket's email — about the invoice.
  const misThreaded = `<mis-${Date.now()}@customer.example>`;
  await sendCustomerMail({
    from: customer,
    to: replyAddress,
    subject: `Re: ${printer}`,
    messageId: misThreaded,
    text: "About my invoice: it should be 80 EUR, not 160 EUR.",
  });
  await page.goto(`/demo/app/-/issues/${printerIid}`);
  const email = page.getByRole("article").filter({ hasText: "it should be 80 EUR" });
  await expect(email).toBeVisible({ timeout: 30_000 });
  await email.getByText("Why is this here?").click();
  await expect(email).toContainText("sent to this issue's reply address (found in To)");

  await email.getByRole("button", { name: "Move this email…" }).click();
  await email.getByLabel("Move to issue #").fill(invoiceIid);
  await email.getByRole("button", { name: "Move", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Moved the email" })).toContainText(
    `Moved the email to #${invoiceIid}.`,
  );
  await expect(page.getByRole("article").filter({ hasText: "it should be 80 EUR" })).toHaveCount(0);
  await expect(page.getByText(`moved an email to #${invoiceIid}`)).toBeVisible();

  // On the invoice issue, open and live: the moved email is there, and the next reply in its chain arrives.
  await page.goto(`/demo/app/-/issues/${invoiceIid}`);
  await expect(page.getByRole("article").filter({ hasText: "it should be 80 EUR" })).toBeVisible();
  await expect(page.getByText(`moved an email here from #${printerIid}`)).toBeVisible();
  await sendCustomerMail({
    from: customer,
    to: replyAddress,
    subject: `Re: ${printer}`,
    inReplyTo: misThreaded,
    references: [misThreaded],
    text: "Here is the corrected order number: 5521.",
  });
  const followUp = page.getByRole("article").filter({ hasText: "corrected order number: 5521" });
  await expect(followUp).toBeVisible({ timeout: 30_000 });
  await followUp.getByText("Why is this here?").click();
  await expect(followUp).toContainText("answers a message a responder moved to this issue");
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/threading-moved.png", fullPage: true });
  expect(errors).toEqual([]);
});
