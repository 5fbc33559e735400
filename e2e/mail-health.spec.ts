// Issue 13.4: the mail-health cockpit shows a stopped IMAP server as failing while it is down, and as
// working again once it is back — live, without a reload. The product reads a real Dovecot (global-setup).
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { haltDovecot, resumeDovecot } from "../apps/worker/test/dovecot.ts";
import { signInAs } from "./support/auth.ts";
import { E2E } from "./support/constants.ts";
import { collectPageErrors, seriousViolations } from "./web-helpers.ts";

test("the cockpit shows a stopped IMAP server as failing and recovering after it is back", async ({ page }) => {
  test.setTimeout(150_000);
  const errors = collectPageErrors(page);
  const dovecotDir = fs.readFileSync(E2E.dovecotDirFile, "utf8");
  await page.setViewportSize({ width: 1280, height: 800 });
  await signInAs(page, "maintainer");
  await page.goto("/demo/app/-/mail_health");
  await expect(page.getByRole("heading", { name: "Mail health" })).toBeVisible();
  const imap = page.locator('tr[data-channel="IMAP"]');
  // The maintainer sees the mailbox's role, never its account or server.
  await expect(imap.getByRole("rowheader")).toContainText("incoming (IMAP)");
  await expect(imap).not.toContainText("desk@test");
  await expect(imap.getByText("Working")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/^Live · checked/)).toBeVisible();

  await haltDovecot(dovecotDir);
  try {
    // Within one IMAP poll interval (30 s): the consumer notices the closed connection at once.
    await expect(imap.getByText("Failing")).toBeVisible({ timeout: 30_000 });
    await expect(imap).toContainText("an admin sees why");
    await page.screenshot({ path: "test-results/mail-health-failing-1280.png", fullPage: true });
  } finally {
    await resumeDovecot(dovecotDir);
  }
  await expect(imap.getByText("Working")).toBeVisible({ timeout: 90_000 });

  // An admin sees the whole instance, with the mailbox by name; the page fits a phone.
  await page.context().clearCookies();
  await signInAs(page, "admin");
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto("/demo/app/-/mail_health");
  await page.getByLabel("Whole instance").check();
  await expect(page.locator('tr[data-channel="IMAP"]')).toContainText("desk@test");
  // The worker counts the instance's mail from its start: both charts are drawn.
  await expect(page.locator(".health-chart canvas")).toHaveCount(2);
  // While a mailbox cannot be read, every page shows the admin a banner leading to Mail health.
  await haltDovecot(dovecotDir);
  try {
    await expect(async () => {
      await page.goto("/demo/app/-/issues");
      await expect(page.getByRole("alert").filter({ hasText: "Mail is not being read" })).toBeVisible({
        timeout: 2_000,
      });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByRole("link", { name: "Open Mail health" })).toHaveAttribute(
      "href",
      "/demo/app/-/mail_health",
    );
  } finally {
    await resumeDovecot(dovecotDir);
  }
  await page.goto("/demo/app/-/mail_health");
  await page.getByLabel("Whole instance").check();
  const overflow = await page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "test-results/mail-health-admin-375.png", fullPage: true });
  expect(errors).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);
});
