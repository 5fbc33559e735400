// Issue 6 / E6: axe finds no serious or critical violations on the main screens, at desktop and phone
// width (375 px, no sideways scrolling), and keyboard focus is visible.
import { expect, type Page, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail } from "./support/mail.ts";
import { collectPageErrors, seriousViolations, serviceDeskAddress, unique, waitForIssueIid } from "./web-helpers.ts";

const ensureIssue = async (page: Page) => {
  const subject = unique("Accessibility check");
  await sendCustomerMail({
    from: "Ada <ada@customer.example>",
    to: await serviceDeskAddress(page, "demo/app"),
    subject,
    text: "A **bold** request with a [link](https://example.com) and a list:\n\n- one\n- two",
  });
  return waitForIssueIid(page, subject);
};

test("the main screens have no serious or critical axe violations and fit a 375 px phone", async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto("/users/sign_in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await signInAs(page, "maintainer");
  const iid = await ensureIssue(page);
  const screens: [string, string, RegExp][] = [
    ["issues", "/demo/app/-/issues", /^Issues$/],
    ["issues-all", "/demo/app/-/issues?tab=all&state=all", /^Issues$/],
    ["thread", `/demo/app/-/issues/${iid}`, /Accessibility check/],
    ["settings", "/demo/app/-/settings/service_desk", /^Service Desk$/],
    ["quarantine", "/demo/app/-/quarantine", /^Quarantine$/],
  ];
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    for (const [name, path, heading] of screens) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(page.getByRole("status").filter({ hasText: /Loading/ })).toHaveCount(0);
      expect(await seriousViolations(page), `${name} at ${width}px`).toEqual([]);
      const overflow = await page.evaluate(() => {
        const root = (
          globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
        ).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      expect(overflow, `${name} scrolls sideways at ${width}px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `test-results/screens/${name}-${width}.png`, fullPage: true });
    }
  }
  expect(errors).toEqual([]);
});

test("the tracker is usable from the keyboard with a visible focus", async ({ page }) => {
  await signInAs(page, "maintainer");
  await ensureIssue(page);
  await page.goto("/demo/app/-/issues");
  await page.getByRole("link", { name: "Skip to main content" }).focus();
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeVisible();
  const list = page.getByRole("list", { name: "Issues" });
  await list.getByRole("link").first().focus();
  const outline = await list
    .getByRole("link")
    .first()
    .evaluate(
      (el) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el)
          .outlineStyle,
    );
  expect(outline).not.toBe("none");
  const count = await list.getByRole("link").count();
  if (count > 1) {
    await page.keyboard.press("j");
    await expect(list.getByRole("link").nth(1)).toBeFocused();
    await page.keyboard.press("k");
    await expect(list.getByRole("link").first()).toBeFocused();
  }
  const title = ((await list.getByRole("link").first().textContent()) ?? "").trim();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeFocused();
});
