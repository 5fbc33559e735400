// Issue 6 / E1, E6: deep links survive sign-in and reload, sign-out ends the session, and a screen whose
// API is unreachable says so and offers to try again.
import { expect, test } from "@playwright/test";
import { E2E } from "./support/constants.ts";
import { collectPageErrors } from "./web-helpers.ts";

test("a deep link leads through sign-in back to the page, survives a reload, and sign-out ends the session", async ({
  page,
}) => {
  const errors = collectPageErrors(page);
  await page.goto("/demo/app/-/issues?tab=all&state=closed");
  await expect(page).toHaveURL(/\/users\/sign_in\?redirect=/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Username or email").fill("maintainer");
  await page.getByLabel("Password").fill(E2E.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/demo\/app\/-\/issues\?tab=all&state=closed$/);
  await expect(page.getByRole("tab", { name: "All", selected: true }).first()).toBeVisible();
  await expect(page.getByRole("tab", { name: /Closed/, selected: true })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Issues" })).toBeVisible();
  await expect(page.getByRole("tab", { name: /Closed/, selected: true })).toBeVisible();

  // The project switcher lists both of maintainer's projects.
  await page.getByLabel("Switch project").selectOption("demo/other");
  await expect(page).toHaveURL(/\/demo\/other\/-\/issues$/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/users\/sign_in$/);
  await page.goto("/demo/app/-/issues");
  await expect(page).toHaveURL(/\/users\/sign_in\?redirect=/);
  expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
});

test("an outsider gets a clear not-found page for a private project", async ({ page }) => {
  await page.goto("/users/sign_in");
  await page.getByLabel("Username or email").fill("outsider");
  await page.getByLabel("Password").fill(E2E.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/sign_in/);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  await expect(page.getByText("You are not a member of any project yet.")).toBeVisible();
  await page.goto("/demo/app/-/issues/1");
  await expect(page.getByRole("heading", { name: "Project not found" })).toBeVisible();
});

test("a screen whose API cannot be reached shows an error with a way to try again", async ({ page }) => {
  await page.goto("/users/sign_in");
  await page.getByLabel("Username or email").fill("maintainer");
  await page.getByLabel("Password").fill(E2E.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/sign_in/);
  await page.route("**/graphql", (route) => route.abort());
  await page.goto("/demo/app/-/issues");
  await expect(page.getByRole("heading", { name: "Something went wrong" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("could not be reached");
  await page.unroute("**/graphql");
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Issues" })).toBeVisible();
});
