// Issue 9.12 in Chromium: when the live connection drops, the app says "Reconnecting…"; an issue that
// arrives while it is down appears once the connection is back, without a reload.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail } from "./support/mail.ts";
import { collectPageErrors, graphql, serviceDeskAddress, subscriptionsStarted, unique } from "./web-helpers.ts";

test("a dropped live connection shows Reconnecting… and the list catches up when it is back", async ({ page }) => {
  const errors = collectPageErrors(page);
  // Every WebSocket of the page goes through this route: while `offline`, each attempt is closed at once.
  let offline = false;
  const open: { close: () => Promise<void> }[] = [];
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    if (offline) {
      void ws.close({ code: 1012, reason: "test: network down" });
      return;
    }
    ws.connectToServer();
    open.push({ close: () => ws.close({ code: 1012, reason: "test: network down" }) });
  });

  await signInAs(page, "maintainer");
  const address = await serviceDeskAddress(page, "demo/app");
  const token = unique("reconnect").replace(" ", "");
  const live = subscriptionsStarted(page, ["IssueCreated"]);
  await page.goto(`/demo/app/-/issues?search=${token}`);
  await live;
  const list = page.getByRole("list", { name: "Issues" });
  await expect(page.getByText("Reconnecting…")).toHaveCount(0);

  offline = true;
  await Promise.all(open.splice(0).map((s) => s.close()));
  await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeVisible();

  // While the app is cut off, a customer writes in; the server has the issue, the page does not.
  const subject = `Arrived while offline ${token}`;
  await sendCustomerMail({ from: `offline.${token}@customer.example`, to: address, subject, text: "Hello?" });
  await expect
    .poll(
      async () =>
        (
          await graphql<{ project: { issues: { count: number } } }>(
            page,
            'query ($s: String) { project(fullPath: "demo/app") { issues(search: $s) { count } } }',
            { s: token },
          )
        ).project.issues.count,
      { timeout: 30_000 },
    )
    .toBe(1);
  await expect(list.getByRole("link", { name: subject })).toHaveCount(0);

  offline = false;
  await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" })).toHaveCount(0, { timeout: 30_000 });
  await expect(list.getByRole("link", { name: subject })).toBeVisible();
  expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
});
