// Issue 10.3: triage at speed — a compact list (a dozen tickets on a 1280×800 screen, each with its
// requester's name and address for a Reporter, and its age), and saved views: a maintainer saves a shared
// view that a reporter then sees and applies; a personal view stays its owner's.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { E2E } from "./support/constants.ts";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail } from "./support/mail.ts";
import {
  collectPageErrors,
  graphql,
  seriousViolations,
  serviceDeskAddress,
  unique,
  waitForIssueIid,
} from "./web-helpers.ts";

const TICKETS = 14;

/** A signed-in page of its own (its own cookies): two people at two desks. */
const deskOf = async (browser: Browser, username: string, viewport = { width: 1280, height: 800 }) => {
  const context = await browser.newContext({ baseURL: E2E.baseURL, viewport });
  const page = await context.newPage();
  await signInAs(page, username);
  return page;
};

/** Opens the views menu (its button says "Views", or the name of the view on screen). */
const openViews = async (page: Page) => {
  const menu = page.locator("details.views-menu");
  if ((await menu.getAttribute("open")) === null) await menu.locator("summary").click();
  await expect(menu.getByRole("form", { name: "Save current filters as view" })).toBeVisible();
  return menu;
};

/** How many issue rows lie wholly inside the viewport, as the person sees the page (no scrolling). */
const rowsFullyVisible = async (page: Page) => {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error("no viewport");
  let visible = 0;
  for (const row of await page.locator(".issue-row").all()) {
    const box = await row.boundingBox();
    if (box && box.y >= 0 && box.x >= 0 && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width)
      visible++;
  }
  return visible;
};

test("a compact list shows a dozen tickets with requester and age; shared views reach the team, personal ones do not", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const batch = unique("Triageview").replace(/\s+/g, "");
  const reporter = await deskOf(browser, "reporter");
  const errors = collectPageErrors(reporter);
  const desk = await serviceDeskAddress(reporter, "demo/app");
  for (let i = 1; i <= TICKETS; i++)
    await sendCustomerMail({
      from: `"Grace Hopper ${i}" <grace${i}@customer.example>`,
      to: desk,
      subject: `${batch} printer ${i}`,
      text: "It prints nothing.",
    });

  // One of them is labelled and assigned, as a triaged ticket is.
  const seventh = await waitForIssueIid(reporter, `${batch} printer 7`);
  const updated = await graphql<{ updateIssue: { errors: string[] } }>(
    reporter,
    `mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { errors } }`,
    { input: { projectPath: "demo/app", iid: seventh, labels: ["hardware"], assigneeUsernames: ["developer"] } },
  );
  expect(updated.updateIssue.errors).toEqual([]);

  // The compact list: at least 12 rows wholly on a 1280×800 screen, before any scrolling.
  await reporter.goto(`/demo/app/-/issues?search=${batch}`);
  await expect(reporter.locator(".issue-row")).toHaveCount(TICKETS, { timeout: 30_000 });
  expect(await rowsFullyVisible(reporter)).toBeGreaterThanOrEqual(12);
  // Each row: the requester's display name from the email and their address, and the ticket's age.
  const row = reporter
    .getByRole("listitem")
    .filter({ has: reporter.getByRole("link", { name: `${batch} printer 7`, exact: true }) });
  await expect(row.locator(".issue-row__requester-name")).toHaveText("Grace Hopper 7");
  await expect(row.locator(".issue-row__requester-address")).toHaveText("grace7@customer.example");
  await expect(row.locator(".issue-row__assignee")).toContainText("@developer");
  await expect(row.locator(".label-pill")).toHaveText("hardware");
  const age = row.locator(".issue-row__age time");
  await expect(age).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
  await expect(age).toHaveText(/^(now|\d+m)(under a minute|\d+ minutes?) old$/);
  expect(await seriousViolations(reporter)).toEqual([]);
  await reporter.screenshot({ path: "test-results/screens/triage-list-1280.png" });

  // A maintainer saves the list as a shared view, and a personal one of their own.
  const maintainer = await deskOf(browser, "maintainer");
  await maintainer.goto(`/demo/app/-/issues?search=${batch}&sort=CREATED_ASC`);
  await expect(maintainer.locator(".issue-row")).toHaveCount(TICKETS, { timeout: 30_000 });
  const shared = `Printers ${batch}`;
  const personal = `Mine ${batch}`;
  const saveView = async (name: string, share: boolean) => {
    const form = (await openViews(maintainer)).getByRole("form", { name: "Save current filters as view" });
    await form.getByLabel("Save current filters as view…", { exact: true }).fill(name);
    await form.getByLabel("Shared with the project", { exact: true }).setChecked(share);
    await form.getByRole("button", { name: "Save view", exact: true }).click();
    await expect(maintainer.getByRole("link", { name, exact: true })).toBeVisible();
  };
  await saveView(shared, true);
  await expect(maintainer.getByRole("region", { name: "Shared views" })).toContainText(shared);
  await expect(maintainer.locator("details.views-menu > summary")).toHaveText(`View: ${shared}`);
  await saveView(personal, false);
  await expect(maintainer.getByRole("region", { name: "Your views" })).toContainText(personal);
  // A blank or taken name is refused with a sentence.
  const form = maintainer.getByRole("form", { name: "Save current filters as view" });
  await form.getByLabel("Save current filters as view…", { exact: true }).fill(shared.toUpperCase());
  await form.getByLabel("Shared with the project", { exact: true }).check();
  await form.getByRole("button", { name: "Save view", exact: true }).click();
  await expect(form.getByRole("alert")).toHaveText("Name has already been taken.");
  expect(await seriousViolations(maintainer)).toEqual([]);
  await maintainer.screenshot({ path: "test-results/screens/triage-views-menu-1280.png" });

  // The reporter sees the shared view (not the maintainer's own), applies it, and gets its list.
  await reporter.goto("/demo/app/-/issues");
  await openViews(reporter);
  await expect(reporter.getByRole("region", { name: "Shared views" })).toContainText(shared);
  await expect(reporter.getByRole("link", { name: personal, exact: true })).toHaveCount(0);
  // Only Maintainer+ may share or delete a shared view.
  await expect(reporter.getByLabel("Shared with the project", { exact: true })).toHaveCount(0);
  await expect(reporter.getByRole("button", { name: `Delete view ${shared}`, exact: true })).toHaveCount(0);
  await reporter.getByRole("link", { name: shared, exact: true }).click();
  await expect(reporter).toHaveURL(new RegExp(`search=${batch}&sort=CREATED_ASC`));
  await expect(reporter.getByLabel("Search", { exact: true })).toHaveValue(batch);
  await expect(reporter.locator(".issue-row")).toHaveCount(TICKETS);
  await expect(reporter.locator(".issue-row").first()).toContainText(`${batch} printer 1`);
  await expect(reporter.locator("details.views-menu > summary")).toHaveText(`View: ${shared}`);

  // At phone width the rows wrap and nothing scrolls sideways; still no serious axe violation.
  await reporter.setViewportSize({ width: 375, height: 812 });
  await expect(reporter.locator(".issue-row").first()).toBeVisible();
  expect(await seriousViolations(reporter)).toEqual([]);
  const overflow = await reporter.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } })
        .document.documentElement.scrollWidth -
      (globalThis as unknown as { document: { documentElement: { clientWidth: number } } }).document.documentElement
        .clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await reporter.screenshot({ path: "test-results/screens/triage-list-375.png", fullPage: true });

  // The maintainer deletes the shared view; the reporter no longer has it.
  await maintainer.goto("/demo/app/-/issues");
  await openViews(maintainer);
  await maintainer.getByRole("button", { name: `Delete view ${shared}`, exact: true }).click();
  await expect(maintainer.getByRole("link", { name: shared, exact: true })).toHaveCount(0);
  await reporter.goto("/demo/app/-/issues");
  await openViews(reporter);
  await expect(reporter.getByText("Loading views…", { exact: true })).toHaveCount(0); // read, then judged
  await expect(reporter.getByRole("link", { name: shared, exact: true })).toHaveCount(0);
  // Escape closes the menu and leaves the keyboard on its button.
  await reporter.keyboard.press("Escape");
  await expect(reporter.locator("details.views-menu")).not.toHaveAttribute("open", "");
  await expect(reporter.locator("details.views-menu > summary")).toBeFocused();
  expect(errors).toEqual([]);
});
