// Issue 10.6: team administration in the browser, while the product runs. An admin creates a user; a
// maintainer adds them to the project; they sign in and work; a token they create in the UI calls /graphql
// and stops working once revoked; a read_api token reads but cannot change; they change their password.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { collectPageErrors, seriousViolations, unique } from "./web-helpers.ts";

const agent = async (browser: Browser, username: string, password?: string) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, username, password);
  return { context, page };
};

const graphqlWith = async (page: Page, token: string, query: string) => {
  const res = await page.request.post("/graphql", {
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    data: { query },
  });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
};

test("an admin creates a user, a maintainer adds them, they work, and their token works until revoked", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const username = unique("newbie").replace(/\s+/g, "-").toLowerCase();
  const password = "first-password-123";

  await signInAs(page, "admin");
  await page.getByRole("link", { name: "Admin", exact: true }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Full name").fill("New Bie");
  await page.getByLabel("Email").fill(`${username}@team.example`);
  await page.getByLabel("Password (at least 8 characters)").fill(password);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status")).toContainText(`Created @${username}`);
  await expect(page.getByRole("cell", { name: `@${username}` })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  const maintainer = await agent(browser, "maintainer");
  const newbie = await agent(browser, username, password);
  try {
    // Not a member yet: the project is not there for them.
    await newbie.page.goto("/demo/app/-/issues");
    await expect(newbie.page.getByRole("heading", { name: "Project not found" })).toBeVisible();

    await maintainer.page.goto("/demo/app/-/project_members");
    await maintainer.page.getByLabel("Username").fill(username);
    await maintainer.page.getByLabel("Role", { exact: true }).selectOption("reporter");
    await maintainer.page.getByRole("button", { name: "Add member" }).click();
    await expect(maintainer.page.getByRole("status")).toContainText(`Added @${username}.`);
    await expect(maintainer.page.getByLabel(`Role of @${username}`)).toHaveValue("reporter");
    expect(await seriousViolations(maintainer.page)).toEqual([]);

    // Now they work: the Service Desk list is theirs to triage.
    await newbie.page.goto("/demo/app/-/issues");
    await expect(newbie.page.getByRole("heading", { name: "Issues", level: 1 })).toBeVisible();
    await expect(newbie.page.getByRole("tab", { name: /Needs reply/ })).toBeVisible();

    // A token made in the UI calls /graphql, then stops once revoked.
    await newbie.page.goto("/profile");
    await newbie.page.getByLabel("Token name").fill("ci");
    await newbie.page.getByRole("button", { name: "Create token" }).click();
    await expect(newbie.page.getByTestId("new-token")).toHaveText(/^tdpat-/);
    const token = (await newbie.page.getByTestId("new-token").textContent()) ?? "";
    expect(token).toMatch(/^tdpat-/);
    expect((await graphqlWith(newbie.page, token, "{ currentUser { username } }")).data).toEqual({
      currentUser: { username },
    });
    await newbie.page.getByRole("button", { name: "Revoke ci" }).click();
    await expect(newbie.page.getByRole("status").filter({ hasText: "Revoked ci" })).toBeVisible();
    expect((await graphqlWith(newbie.page, token, "{ currentUser { username } }")).data).toEqual({ currentUser: null });

    // A read_api token reads, and is refused a change in words.
    await newbie.page.getByLabel("Token name").fill("reader");
    await newbie.page.getByLabel("api (read and write)").uncheck();
    await newbie.page.getByLabel("read_api (read only)").check();
    await newbie.page.getByRole("button", { name: "Create token" }).click();
    await expect(newbie.page.getByTestId("new-token")).not.toHaveText(token);
    const reader = (await newbie.page.getByTestId("new-token").textContent()) ?? "";
    expect((await graphqlWith(newbie.page, reader, "{ currentUser { username } }")).data).toEqual({
      currentUser: { username },
    });
    const write = await graphqlWith(
      newbie.page,
      reader,
      'mutation { savedReplyCreate(input: { name: "x", content: "y" }) { errors } }',
    );
    expect(write.errors?.[0]?.message).toContain("read_api scope");
    expect(await seriousViolations(newbie.page)).toEqual([]);

    // Their own password: changed, every session ends, the new one signs in.
    await newbie.page.getByLabel("Current password").fill(password);
    await newbie.page.getByLabel("New password (at least 8 characters)").fill("second-password-456");
    await newbie.page.getByRole("button", { name: "Change password" }).click();
    await expect(newbie.page).toHaveURL(/sign_in/, { timeout: 10_000 });
    await signInAs(newbie.page, username, "second-password-456");
  } finally {
    await maintainer.context.close();
    await newbie.context.close();
  }
  expect(errors).toEqual([]);
});
