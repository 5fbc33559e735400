import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";

test("a maintainer signs in and sees the issue list of demo/app", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await signInAs(page, "maintainer");
  await page.goto("/demo/app/-/issues");
  await expect(page.getByRole("heading", { name: /issues/i })).toBeVisible();
  await expect(page.getByRole("tab", { name: /service desk/i })).toBeVisible();
  expect(errors).toEqual([]);
});

test("a wrong password shows a clear error and stays on the sign-in page", async ({ page }) => {
  await page.goto("/users/sign_in");
  await page.getByLabel(/username or email/i).fill("maintainer");
  await page.getByLabel(/password/i).fill("not-the-password");
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page.getByRole("alert")).toContainText("Invalid login or password.");
  await expect(page).toHaveURL(/sign_in/);
});
