// Issue 9.8 in Chromium: the strict Content-Security-Policy (script-src 'self', frame-ancestors 'none')
// holds on every screen of the SPA, the customer's unsubscribe page and an attachment download, with no
// violation reported; and another site cannot frame the app.
import { expect, type Page, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail, waitForMail } from "./support/mail.ts";
import { serviceDeskAddress, unique, waitForIssueIid } from "./web-helpers.ts";

type Violation = { directive: string; blocked: string };

/** Records every CSP violation the page reports (init scripts run outside the page's CSP). */
const watchCsp = async (page: Page) => {
  const consoleReports: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) consoleReports.push(m.text());
  });
  await page.addInitScript(() => {
    const w = globalThis as unknown as {
      __csp: Violation[];
      addEventListener: (t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void) => void;
    };
    w.__csp = [];
    w.addEventListener("securitypolicyviolation", (e) =>
      w.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI }),
    );
  });
  return async () => {
    const seen = await page.evaluate(() => (globalThis as unknown as { __csp?: Violation[] }).__csp ?? []);
    return [...seen.map((v) => `${v.directive} blocked ${v.blocked}`), ...consoleReports];
  };
};

test("every screen, the unsubscribe page and a download load under the strict CSP without a violation", async ({
  page,
  browser,
}) => {
  const violations = await watchCsp(page);
  await page.goto("/users/sign_in");
  const csp = (await page.request.get("/users/sign_in")).headers()["content-security-policy"] ?? "";
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  await signInAs(page, "maintainer");

  const customer = `csp.${Date.now()}@customer.example`;
  const subject = unique("Styled email with an attachment");
  await sendCustomerMail({
    from: customer,
    to: await serviceDeskAddress(page, "demo/app"),
    subject,
    html: '<p style="color:#b00">Styled <b>inline</b></p><img src="https://tracker.example/pixel.gif">',
    attachments: [{ filename: "notes.txt", content: "plain text attachment" }],
  });
  const iid = await waitForIssueIid(page, subject);

  for (const [path, heading] of [
    ["/demo/app/-/issues", /^Issues$/],
    [`/demo/app/-/issues/${iid}`, /Styled email/],
    ["/demo/app/-/settings/service_desk", /^Service Desk$/],
    ["/demo/app/-/quarantine", /^Quarantine$/],
    ["/demo/app/-/mail_health", /^Mail health$/],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /Loading/ })).toHaveCount(0);
  }
  // The thread's attachment link downloads under its own policy.
  await page.goto(`/demo/app/-/issues/${iid}`);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "notes.txt" }).first().click();
  expect((await download).suggestedFilename()).toBe("notes.txt");
  expect(await violations()).toEqual([]);

  // The customer's unsubscribe page, in a browser of their own.
  const thankYou = await waitForMail((m) => m.envelopeTo === customer);
  const link = /<(https?:\/\/[^>]+)>/.exec(
    thankYou.headerLines.find((h) => h.key === "list-unsubscribe")?.line ?? "",
  )?.[1];
  const customerPage = await (await browser.newContext()).newPage();
  const customerViolations = await watchCsp(customerPage);
  await customerPage.goto(link as string);
  await expect(customerPage.getByRole("heading", { name: "Unsubscribe from this ticket?" })).toBeVisible();
  expect(await customerViolations()).toEqual([]);
});

test("another site cannot frame the app", async ({ page }) => {
  const res = await page.request.get("/users/sign_in");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});
