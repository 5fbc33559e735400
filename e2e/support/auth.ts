import { expect, type Page } from "@playwright/test";
import { E2E } from "./constants.ts";

/** Signs in through the sign-in page, as a person does. */
export const signInAs = async (page: Page, username: string, password = E2E.password) => {
  await page.goto("/users/sign_in");
  await page.getByLabel(/username or email/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).not.toHaveURL(/sign_in/);
};
