// Issue 6 / E5 (C12): the quarantine lists ignored and rejected mail with its reason, shows the raw
// message as inert text, and lets an admin or maintainer retry, release into a project, or delete.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail } from "./support/mail.ts";
import { collectPageErrors, graphql, seriousViolations, serviceDeskAddress, unique } from "./web-helpers.ts";

const autoReply = async (to: string, subject: string) =>
  sendCustomerMail({
    from: "Out Of Office <ooo@customer.example>",
    to,
    subject,
    html: `<p>I am away <b>until Monday</b>.</p><script>window.__pwned = "raw"</script><img src="https://tracker.example/x.gif" onerror="window.__pwned = 'img'">`,
    headers: { "Auto-Submitted": "auto-replied" },
  });

test("an admin reads a quarantined auto-reply safely, retries it, releases one into a project and deletes another", async ({
  page,
}) => {
  const errors = collectPageErrors(page);
  const remote: string[] = [];
  await page.route(/tracker\.example/, (route) => {
    remote.push(route.request().url());
    return route.abort();
  });
  await signInAs(page, "admin");
  const address = await serviceDeskAddress(page, "demo/app");
  const kept = unique("Automatic reply: away");
  const released = unique("Automatic reply: released");
  const deleted = unique("Automatic reply: deleted");
  for (const subject of [kept, released, deleted]) await autoReply(address, subject);

  await page.goto("/demo/app/-/quarantine");
  await expect(page.getByRole("heading", { level: 1, name: "Quarantine" })).toBeVisible();
  await page.getByLabel("Messages").selectOption({ label: "All, including unrouted mail" });
  const list = page.getByRole("list", { name: "Quarantined email" });
  const item = (subject: string) => list.getByRole("article", { name: subject });
  await expect(async () => {
    await page.getByLabel("Reason").selectOption("ignored");
    await page.getByLabel("Reason").selectOption("");
    await expect(item(deleted)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // The reason, sender and date are shown; the raw message is text in a <pre>, never rendered.
  const first = item(kept);
  await expect(first).toContainText("Auto-Submitted: auto-replied");
  await expect(first).toContainText("ooo@customer.example");
  await first.getByRole("button", { name: "Read raw message" }).click();
  const raw = first.getByRole("region", { name: "Raw message" });
  await expect(raw).toContainText("Auto-Submitted: auto-replied");
  await expect(raw).toContainText("<script>");
  expect(await raw.locator("script, img, b").count()).toBe(0);
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
  expect(remote).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/quarantine.png", fullPage: true });

  // Retry runs the pipeline again: still auto-generated, so it stays ignored — shown as a failed retry.
  await first.getByRole("button", { name: "Retry", exact: true }).click();
  await expect(first.getByRole("alert")).toContainText("Retrying did not help: Ignored: auto-generated email");
  await expect(item(kept)).toBeVisible();

  // Release opens a Service Desk issue in the chosen project.
  await item(released).getByLabel("Release into project").selectOption("demo/app");
  await item(released).getByRole("button", { name: "Release" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Released" })).toContainText(
    new RegExp(`Released “${released}” into demo/app as #\\d+\\.`),
  );
  await expect
    .poll(async () => {
      const data = await graphql<{ project: { issues: { nodes: { title: string }[] } } }>(
        page,
        'query ($s: String) { project(fullPath: "demo/app") { issues(search: $s, state: all) { nodes { title } } } }',
        { s: released },
      );
      return data.project.issues.nodes.map((n) => n.title);
    })
    .toContain(released);

  // Delete asks first, then the message is gone from the list.
  page.once("dialog", (d) => void d.accept());
  await item(deleted).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deleted" })).toContainText(`Deleted “${deleted}”.`);
  await expect(item(deleted)).toHaveCount(0);
  expect(errors.filter((e) => !e.includes("ERR_FAILED"))).toEqual([]);
});

test("a developer cannot open the quarantine", async ({ page }) => {
  await signInAs(page, "developer");
  await page.goto("/demo/app/-/quarantine");
  await expect(page.getByRole("heading", { name: "You don't have access" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Quarantine" })).toHaveCount(
    0,
  );
});

test("a maintainer finds an auto-reply to their project in its quarantine, counted in the navigation, and retries a selection", async ({
  page,
}) => {
  await signInAs(page, "maintainer");
  const address = await serviceDeskAddress(page, "demo/app");
  const subjects = [unique("Out of office A"), unique("Out of office B")];
  for (const subject of subjects) await autoReply(address, subject);
  await page.goto("/demo/app/-/quarantine");
  const list = page.getByRole("list", { name: "Quarantined email" });
  const item = (subject: string) => list.getByRole("article", { name: subject });
  await expect(async () => {
    await page.reload();
    await expect(item(subjects[1])).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  // The navigation counts what waits in the quarantine.
  const link = page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: /Quarantine/ });
  await expect(link).toContainText(/Quarantine\s*\d+\s*messages/);

  for (const subject of subjects) await page.getByLabel(`Select “${subject}”`).check();
  await expect(page.getByText("2 selected")).toBeVisible();
  await page.getByRole("button", { name: "Retry selected" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Retrying did not help" })).toHaveText(
    "Retrying did not help for all 2 messages: Ignored: auto-generated email (Auto-Submitted: auto-replied).",
  );
  await page.screenshot({ path: "test-results/screens/quarantine-maintainer.png", fullPage: true });
});
