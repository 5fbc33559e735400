// Issue 6 / E4: the Service Desk settings panel, who may open it, and who may see the address (B2).
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail, waitForMail } from "./support/mail.ts";
import { collectPageErrors, graphql, serviceDeskAddress, unique } from "./web-helpers.ts";

const SETTINGS = "/demo/app/-/settings/service_desk";

test("a maintainer's display name and thank-you template shape the next thank-you email, and an invalid suffix saves nothing", async ({
  page,
}) => {
  const errors = collectPageErrors(page);
  const displayName = unique("Acme Help Desk");
  const marker = unique("ref");
  await signInAs(page, "maintainer");
  try {
    await page.goto(SETTINGS);
    await expect(page.getByRole("heading", { level: 1, name: "Service Desk" })).toBeVisible();
    await expect(page.getByRole("switch", { name: "Activate Service Desk" })).toBeChecked();
    const originalName = await page.getByLabel("Email display name").inputValue();

    // An invalid suffix: the mutation's error shows inline and nothing is saved, not even the valid fields.
    await page.getByLabel("Email display name").fill(displayName);
    await page.getByLabel("Email address suffix").fill("Not Valid!");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(
      page
        .getByRole("alert")
        .filter({ hasText: "Email address suffix can contain only lowercase letters, digits, and '_'." }),
    ).toBeVisible();
    await expect(page.getByLabel("Email address suffix")).toHaveAttribute("aria-invalid", "true");
    await page.reload();
    await expect(page.getByLabel("Email display name")).toHaveValue(originalName);
    await expect(page.getByLabel("Email address suffix")).toHaveValue("");

    // The live preview of the address follows the suffix as it is typed.
    await page.getByLabel("Email address suffix").fill("support_desk");
    await expect(page.getByText(/Resulting address|alias address/)).toBeVisible();
    await page.getByLabel("Email address suffix").fill("");

    // Valid values save; the template preview renders the sample.
    await page.getByLabel("Email display name").fill(displayName);
    await page
      .getByLabel("Thank you email template")
      .fill(`Thanks, we got your request %{ISSUE_ID}. Reference ${marker}.`);
    await page.getByText("Preview thank you email").click();
    // The server renders the email; the sandboxed frame (no script) shows it. Its srcdoc is the rendering.
    await expect(page.getByTitle("Preview of the thank you email")).toHaveAttribute("sandbox", "");
    await expect(page.getByTitle("Preview of the thank you email")).toHaveAttribute(
      "srcdoc",
      new RegExp(`Thanks, we got your request #\\d+\\. Reference ${marker}\\.`),
    );
    await page
      .getByLabel("Thank you email template")
      .fill(`Thanks, we got your request %{ISSUE_ID}. Reference ${marker}. %{NOT_A_PLACEHOLDER}`);
    await expect(page.getByText("Unknown placeholder: %{NOT_A_PLACEHOLDER}")).toBeVisible();
    await page
      .getByLabel("Thank you email template")
      .fill(`Thanks, we got your request %{ISSUE_ID}. Reference ${marker}.`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Service Desk settings saved." })).toBeVisible();
    await page.screenshot({ path: "test-results/screens/settings.png", fullPage: true });
    await page.reload();
    await expect(page.getByLabel("Email display name")).toHaveValue(displayName);

    // The next thank-you email uses them.
    const customer = `settings.${Date.now()}@customer.example`;
    await sendCustomerMail({
      from: customer,
      to: await serviceDeskAddress(page, "demo/app"),
      subject: unique("Where is my order"),
      text: "Order 1234 has not arrived.",
    });
    const thankYou = await waitForMail((m) => m.envelopeTo.includes(customer));
    expect(thankYou.from?.value[0]?.name).toBe(displayName);
    expect(thankYou.text).toContain(`Reference ${marker}.`);
    // Chromium reports the test driver's own attempts to evaluate inside the preview frame, which its
    // sandbox (no allow-scripts) refuses; that refusal is the point of the sandbox, not an app error.
    expect(errors.filter((e) => !e.startsWith("Blocked script execution in 'about:srcdoc'"))).toEqual([]);
  } finally {
    await graphql(
      page,
      "mutation ($i: UpdateServiceDeskSettingsInput!) { updateServiceDeskSettings(input: $i) { errors } }",
      { i: { projectPath: "demo/app", outgoingName: "", thankYouTemplate: "" } },
    );
  }
});

test("a reporter cannot open the Service Desk settings but sees the address on the Service Desk tab", async ({
  page,
}) => {
  await signInAs(page, "reporter");
  await page.goto(SETTINGS);
  await expect(page.getByRole("heading", { name: "You don't have access" })).toBeVisible();
  await expect(page.getByLabel("Email display name")).toHaveCount(0);
  await expect(
    page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Service Desk settings" }),
  ).toHaveCount(0);

  // The list keeps the address one click away (issue 10.3: a compact header).
  await page.goto("/demo/app/-/issues");
  await page.getByText("Service Desk address", { exact: true }).click();
  await expect(page.getByText(/^incoming\+demo-app-\d+-issue-@/).first()).toBeVisible();
});

test("a guest never sees the Service Desk address", async ({ page }) => {
  await signInAs(page, "guest");
  for (const path of ["/demo/app/-/issues", "/demo/app/-/issues?tab=all", SETTINGS]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await page.content()).not.toMatch(/incoming\+demo-app/);
  }
  const data = await graphql<{ project: { serviceDeskAddress: string | null } }>(
    page,
    '{ project(fullPath: "demo/app") { serviceDeskAddress } }',
  );
  expect(data.project.serviceDeskAddress).toBeNull();
});
