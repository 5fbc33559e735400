// Issue 13.2: a maintainer sets up a custom address. The verification email leaves through the customer's
// own SMTP relay (AUTH), the team's forwarding rule brings it back to the Service Desk address, the page
// shows it verified; once enabled, the next email to a customer leaves through that relay From the custom
// address — and nothing of it through the instance's server.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { E2E } from "./support/constants.ts";
import { capturedMail, sendCustomerMail, waitForMail } from "./support/mail.ts";
import { collectPageErrors, serviceDeskAddress, unique } from "./web-helpers.ts";

const PROJECT = "demo/other";

test("a maintainer verifies a custom address; the next customer email leaves through its SMTP server From it", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await signInAs(page, "maintainer");
  const desk = await serviceDeskAddress(page, PROJECT);
  // The team's forwarding rule at their mail provider: support@acme.test → the project's Service Desk address.
  fs.writeFileSync(E2E.relayForwardFile, JSON.stringify({ "support@acme.test": desk }));

  await page.goto(`/${PROJECT}/-/settings/service_desk`);
  const panel = page.getByRole("region", { name: "Custom email address" });
  await panel.getByLabel("Email address", { exact: true }).fill("support@acme.test");
  await panel.getByLabel("SMTP host").fill("127.0.0.1");
  await panel.getByLabel("SMTP port").fill(String(E2E.relaySmtpPort));
  await panel.getByLabel("SMTP username").fill(E2E.relayUser);
  await panel.getByLabel("SMTP password").fill(E2E.relayPassword);
  await panel.getByRole("button", { name: "Save & send verification email" }).click();
  try {
    await expect(panel.getByText("support@acme.test", { exact: true })).toBeVisible();
    await expect(panel.getByText("Verified.", { exact: true })).toBeVisible({ timeout: 30_000 });
    // The verification went through the relay, authenticated, From the custom address, to its +verify form.
    const verification = await waitForMail(
      (m) => /^Verify custom email address/.test(m.subject ?? ""),
      5_000,
      E2E.relayDir,
    );
    expect(verification.envelopeTo).toBe("support+verify@acme.test");
    expect(verification.from?.value[0].address).toBe("support@acme.test");
    await expect(panel.getByRole("code")).toHaveText(desk);
    await panel.getByLabel("Send this project's customer emails from support@acme.test").click();
    await expect(panel.getByLabel("Send this project's customer emails from support@acme.test")).toBeChecked();
    await page.setViewportSize({ width: 375, height: 800 });
    await panel.screenshot({ path: "test-results/custom-email-verified-375.png" });
    await page.setViewportSize({ width: 1280, height: 800 });

    const customer = `custom.${Date.now()}@customer.example`;
    const subject = unique("Invoice question");
    await sendCustomerMail({ from: customer, to: desk, subject, text: "Where is my invoice?" });
    const thanks = await waitForMail((m) => m.envelopeTo === customer, 30_000, E2E.relayDir);
    expect(thanks.from?.value[0].address).toBe("support@acme.test");
    expect(thanks.replyTo?.value[0].address).toMatch(/^incoming\+[0-9a-f]{32}@/);
    expect((await capturedMail()).filter((m) => m.envelopeTo === customer)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    // Later stories use the instance's server for this project again.
    await page.goto(`/${PROJECT}/-/settings/service_desk`);
    await expect(
      page.getByRole("button", { name: /^(Reset custom email|Save & send verification email)$/ }),
    ).toBeVisible();
    const reset = page.getByRole("button", { name: "Reset custom email" });
    if (await reset.isVisible()) await reset.click();
    await expect(page.getByRole("button", { name: "Save & send verification email" })).toBeVisible();
    fs.rmSync(E2E.relayForwardFile, { force: true });
  }
});
