// Issue 11: the composer a support team trusts. Quick actions run and are not emailed; pasted and picked
// files arrive as real attachments at the capturing SMTP server; a draft survives a reload and another
// browser; two agents on one ticket see each other typing and the second is stopped before sending a stale
// reply; a note is edited and deleted with its history kept. Axe at 1280 px and 375 px.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { capturedMail, sendCustomerMail, waitForMail } from "./support/mail.ts";
import {
  collectPageErrors,
  holdNextAnswer,
  seriousViolations,
  serviceDeskAddress,
  unique,
  waitForIssueIid,
} from "./web-helpers.ts";

// A 1×1 PNG and a one-page PDF, small and real.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj " +
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

/** A fresh ticket from a customer; returns its page path and the customer's address. */
const newTicket = async (page: Page, subject: string) => {
  const desk = await serviceDeskAddress(page, "demo/app");
  const customer = `composer.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@customer.example`;
  await sendCustomerMail({ from: `Ada Lovelace <${customer}>`, to: desk, subject, text: "The invoice is wrong." });
  const iid = await waitForIssueIid(page, subject);
  return { path: `/demo/app/-/issues/${iid}`, customer, iid };
};

const newAgent = async (browser: Browser, username: string) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, username);
  return { context, page };
};

/** The developer (another agent, on her own page) replies to the customer on the ticket at `path`, and sees it sent. */
const agentReplies = async (agent: Page, path: string, text: string) => {
  await agent.goto(path);
  await agent.getByLabel("Write a reply").fill(text);
  await agent.getByRole("button", { name: "Reply to customer", exact: true }).click();
  await expect(agent.getByRole("article", { name: "Reply to customer by @developer" })).toBeVisible();
};

test("quick actions label and assign, and only the text is emailed", async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  await signInAs(page, "reporter");
  const subject = unique("Invoice charged twice");
  const { path, customer } = await newTicket(page, subject);
  await page.goto(path);
  const box = page.getByLabel("Write a reply");
  // Autocomplete offers the command; the "runs" line says what will happen before sending.
  await box.fill("Thanks! /lab");
  await expect(page.getByRole("option", { name: /\/label/ })).toBeVisible();
  await box.fill("Thanks! /label ~billing /assign @developer");
  await expect(page.getByRole("status").filter({ hasText: "Runs /label ~billing" })).toContainText(
    "Runs /label ~billing, /assign @developer; only the text is sent.",
  );
  await expect(page.getByText(`Will be emailed to ${customer}`)).toBeVisible();
  await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
  await expect(page.getByRole("article", { name: "Reply to customer by @reporter" })).toContainText("Thanks!");
  await expect(page.getByText('added ~"billing" label', { exact: true })).toBeVisible();
  await expect(page.getByText("assigned to @developer", { exact: true })).toBeVisible();
  const mail = await waitForMail((m) => m.envelopeTo.includes(customer) && (m.text ?? "").includes("Thanks!"));
  expect(mail.text).not.toMatch(/\/label|\/assign|~billing|@developer/);
  // The reply shows its delivery to the customer inline.
  await expect(
    page.getByRole("article", { name: "Reply to customer by @reporter" }).getByText(`Emailed to ${customer}`),
  ).toBeVisible();

  // A comment of commands only sends nothing and stores no note.
  await box.fill("/unlabel ~billing");
  await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
  await expect(page.getByText('removed ~"billing" label', { exact: true })).toBeVisible();
  await expect(page.getByRole("article", { name: "Reply to customer by @reporter" })).toHaveCount(1);
  expect(errors).toEqual([]);
});

test("a pasted image and a picked PDF arrive as attachments at the SMTP server", async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  await signInAs(page, "reporter");
  const subject = unique("Screenshot please");
  const { path, customer } = await newTicket(page, subject);
  await page.goto(path);
  const box = page.getByLabel("Write a reply");
  await box.fill("Here is what I see:\n");
  await box.evaluate(
    (el, bytes) => {
      // Runs in the page (this file is type-checked without the DOM library).
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add: (f: unknown) => void } };
        ClipboardEvent: new (type: string, init: object) => Event;
      };
      const file = new File([new Uint8Array(bytes)], "", { type: "image/png" });
      const data = new dom.DataTransfer();
      data.items.add(file);
      el.dispatchEvent(new dom.ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    },
    [...PNG],
  );
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: "invoice-1042.pdf", mimeType: "application/pdf", buffer: PDF });
  await expect(page.getByRole("list", { name: "Attached files" })).toContainText("invoice-1042.pdf");
  await expect(box).toHaveValue(/!\[pasted-.*\.png\]\(\/uploads\/[0-9a-f]{32}\/pasted-/);
  await expect(box).toHaveValue(/\[invoice-1042\.pdf\]\(\/uploads\/[0-9a-f]{32}\/invoice-1042\.pdf\)/);
  await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
  const reply = page.getByRole("article", { name: "Reply to customer by @reporter" });
  await expect(reply.getByRole("img", { name: /pasted-/ })).toBeVisible();
  await expect(reply.getByRole("link", { name: "invoice-1042.pdf", exact: true })).toBeVisible();
  // The PDF's first page is previewed in the thread (pdf.js, in the page).
  await expect(reply.getByRole("img", { name: "First page of invoice-1042.pdf" })).toBeVisible();
  await expect(reply.getByText("invoice-1042.pdf · 1 page")).toBeVisible();
  const mail = await waitForMail(
    (m) => m.envelopeTo.includes(customer) && (m.text ?? "").includes("Here is what I see"),
  );
  const files = mail.attachments.map((a) => [a.contentType, a.content.length]);
  expect(files).toEqual(
    expect.arrayContaining([
      ["image/png", PNG.length],
      ["application/pdf", PDF.length],
    ]),
  );
  expect(errors).toEqual([]);
});

test("two agents on one ticket: the second sees the first typing and is stopped before a stale reply", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await signInAs(page, "reporter");
  const subject = unique("Printer offline again");
  const { path } = await newTicket(page, subject);
  const ana = await newAgent(browser, "developer");
  try {
    await page.goto(path);
    await ana.page.goto(path);
    await expect(page.getByRole("status").filter({ hasText: "is viewing" })).toContainText("Developer is viewing", {
      timeout: 25_000,
    });
    // Ana starts typing: the reporter sees it.
    await ana.page.getByLabel("Write a reply").fill("Have you tried turning it off");
    await expect(page.getByText("Developer is typing a reply…")).toBeVisible();
    // The reporter began writing before Ana's reply went out.
    await page.getByLabel("Write a reply").fill("Please restart the printer.");
    await ana.page.getByLabel("Write a reply").fill("Have you tried turning it off and on again?");
    await ana.page.getByRole("button", { name: "Reply to customer", exact: true }).click();
    await expect(ana.page.getByRole("article", { name: "Reply to customer by @developer" })).toBeVisible();
    // The server refuses the stale reply; the new message is shown and marked; sending again confirms.
    await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
    const warning = page.getByRole("alert").filter({ hasText: "arrived on this ticket while you were writing" });
    await expect(warning).toBeVisible();
    await expect(page.getByRole("article", { name: "Reply to customer by @developer" })).toContainText(
      "New since you started writing",
    );
    await expect(page.getByRole("article", { name: "Reply to customer by @reporter" })).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
    await warning.getByRole("button", { name: "Send anyway" }).click();
    await expect(page.getByRole("article", { name: "Reply to customer by @reporter" })).toContainText(
      "Please restart the printer.",
    );
  } finally {
    await ana.context.close();
  }
});

test("a reply confirmed while the thread is still being fetched again stays in the thread", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await signInAs(page, "reporter");
  const { path } = await newTicket(page, unique("Label printer smudges"));
  const ana = await newAgent(browser, "developer");
  try {
    await page.goto(path);
    await page.getByLabel("Write a reply").fill("Please clean the print head.");
    await agentReplies(ana.page, path, "Which model is it?");
    // The refusal fetches the thread again. Its answer is read from the server at once and held back until
    // the confirmed reply is on the page: a slow network, as a busy api gives it.
    const answer = await holdNextAnswer(page, "ThreadScene");
    await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
    const warning = page.getByRole("alert").filter({ hasText: "arrived on this ticket while you were writing" });
    await warning.getByRole("button", { name: "Send anyway" }).click();
    const mine = page.getByRole("article", { name: "Reply to customer by @reporter" });
    await expect(mine).toContainText("Please clean the print head.");
    const answered = page.waitForResponse((r) => r.request().postDataJSON()?.operationName === "ThreadScene");
    answer.release();
    await answered;
    // A later live event is the barrier: by the time Ana's next note is shown, the older answer was applied.
    await ana.page.getByRole("button", { name: "Internal note", exact: true }).click();
    await ana.page.getByLabel("Write an internal note").fill("Asked for the model.");
    await ana.page.getByRole("button", { name: "Add internal note", exact: true }).click();
    await expect(page.getByRole("article", { name: /Internal note by @developer/ })).toContainText(
      "Asked for the model.",
    );
    await expect(mine).toContainText("Please clean the print head.");
  } finally {
    await ana.context.close();
  }
});

test("an issue closed while its thread is being fetched again shows as closed", async ({ page, browser }) => {
  test.setTimeout(90_000);
  // What reaches the page's socket: the barrier that the close's event was received.
  const frames: string[] = [];
  page.on("websocket", (ws) => ws.on("framereceived", (frame) => frames.push(String(frame.payload))));
  await signInAs(page, "reporter");
  const { path } = await newTicket(page, unique("Badge reader offline"));
  const ana = await newAgent(browser, "developer");
  try {
    await page.goto(path);
    await page.getByLabel("Write a reply").fill("Please unplug it for a minute.");
    await agentReplies(ana.page, path, "Which door is it?");
    // The refusal fetches the thread again. Its answer is read from the server at once and held back until
    // Ana's close has reached the page.
    const answer = await holdNextAnswer(page, "ThreadScene");
    await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
    await expect(
      page.getByRole("alert").filter({ hasText: "arrived on this ticket while you were writing" }),
    ).toBeVisible();
    await answer.read;
    await ana.page.getByRole("button", { name: "Close issue" }).click();
    await expect(ana.page.getByRole("button", { name: "Reopen issue" })).toBeVisible();
    await expect.poll(() => frames.some((f) => f.includes('"state":"closed"')), { timeout: 30_000 }).toBe(true);
    const answered = page.waitForResponse((r) => r.request().postDataJSON()?.operationName === "ThreadScene");
    answer.release();
    await answered;
    // The answer was read while the issue was open; the thread is fetched once more, and shows it closed.
    await expect(page.getByRole("button", { name: "Reopen issue" })).toBeVisible();
  } finally {
    await ana.context.close();
  }
});

test("a reply begun before a reload is still stopped when a message arrived meanwhile", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signInAs(page, "reporter");
  const { path } = await newTicket(page, unique("Scanner jammed"));
  await page.goto(path);
  await page.getByLabel("Write a reply").fill("Please open the paper tray.");
  await expect(page.getByText("Draft saved")).toBeVisible();
  // The page again (a new page of the same browser, as a reload): the draft comes back, and with it what the
  // agent had read when they began it.
  const reloaded = await page.context().newPage();
  const ana = await newAgent(browser, "developer");
  try {
    await reloaded.goto(path);
    await expect(reloaded.getByLabel("Write a reply")).toHaveValue("Please open the paper tray.");
    await agentReplies(ana.page, path, "The tray is open already, it is the roller.");
    // Ana's reply arrives while the reloaded page is open; the reply there was begun without it.
    await expect(reloaded.getByRole("article", { name: "Reply to customer by @developer" })).toBeVisible();
    await reloaded.getByRole("button", { name: "Reply to customer", exact: true }).click();
    await expect(
      reloaded.getByRole("alert").filter({ hasText: "arrived on this ticket while you were writing" }),
    ).toBeVisible();
    await expect(reloaded.getByRole("article", { name: "Reply to customer by @reporter" })).toHaveCount(0);
  } finally {
    await ana.context.close();
    await reloaded.close();
  }
});

test("a note is edited and deleted, with its history kept, and an emailed reply is not sent again", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signInAs(page, "maintainer");
  const subject = unique("Refund request");
  const { path, customer } = await newTicket(page, subject);
  await page.goto(path);
  await page.getByLabel("Write a reply").fill("We will refund 50 EUR.");
  await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
  const reply = page.getByRole("article", { name: "Reply to customer by @maintainer" });
  await expect(reply).toContainText("We will refund 50 EUR.");
  await waitForMail((m) => m.envelopeTo.includes(customer) && (m.text ?? "").includes("refund 50 EUR"));

  await reply.getByRole("button", { name: "Edit" }).click();
  await expect(reply.getByText("This reply was emailed; saving changes it here only")).toBeVisible();
  await reply.getByLabel("Edit note").fill("We will refund 60 EUR.");
  await reply.getByRole("button", { name: "Save" }).click();
  await expect(reply.getByRole("status")).toContainText("this edit is not sent");
  await expect(reply).toContainText("We will refund 60 EUR.");
  await expect(reply).toContainText("edited by @maintainer");
  await reply.getByText("History (1)").click();
  await expect(reply.locator(".note__history")).toContainText("We will refund 50 EUR.");
  const emailsAfterEdit = (await capturedMail()).filter((m) => m.envelopeTo.includes(customer));
  expect(emailsAfterEdit.filter((m) => (m.text ?? "").includes("60 EUR"))).toEqual([]);

  // An internal note, deleted: it keeps its place, its text in the history.
  await page.getByRole("button", { name: "Internal note", exact: true }).click();
  await page.getByLabel("Write an internal note").fill("Refund approved by finance.");
  await page.getByRole("button", { name: "Add internal note" }).click();
  const note = page.getByRole("article", { name: "Internal note by @maintainer" });
  await expect(note).toContainText("Refund approved by finance.");
  page.once("dialog", (d) => void d.accept());
  await note.getByRole("button", { name: "Delete" }).click();
  await expect(note).toContainText("This note was deleted by @maintainer");
  await note.getByText("History (1)").click();
  await expect(note.locator(".note__history")).toContainText("Refund approved by finance.");
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/composer-1280.png", fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/composer-375.png", fullPage: true });
});

test("a draft survives a reload and follows the agent to another browser; leaving with it asks first", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await signInAs(page, "reporter");
  const subject = unique("Draft keeps");
  const { path } = await newTicket(page, subject);
  await page.goto(path);
  await page.getByLabel("Write a reply").fill("Dear Ada, about your invoice: the second charge");
  await expect(page.getByText("Draft saved")).toBeVisible();
  // Leaving inside the app with unsent text asks first; "stay" keeps the text on screen.
  page.once("dialog", (d) => {
    expect(d.message()).toContain("You have an unsent reply");
    void d.dismiss();
  });
  await page.getByRole("link", { name: "Service Desk" }).click();
  await expect(page.getByLabel("Write a reply")).toHaveValue("Dear Ada, about your invoice: the second charge");
  // A reload (a new page of the same browser: no beforeunload prompt to race with) finds the draft.
  const reloaded = await page.context().newPage();
  await reloaded.goto(path);
  await expect(reloaded.getByLabel("Write a reply")).toHaveValue("Dear Ada, about your invoice: the second charge");
  await reloaded.close();
  const second = await newAgent(browser, "reporter");
  try {
    await second.page.goto(path);
    await expect(second.page.getByLabel("Write a reply")).toHaveValue(
      "Dear Ada, about your invoice: the second charge",
    );
  } finally {
    await second.context.close();
  }
  // Sent: the draft is gone, here and in a fresh page.
  await page.getByRole("button", { name: "Reply to customer", exact: true }).click();
  await expect(page.getByRole("article", { name: "Reply to customer by @reporter" })).toBeVisible();
  await expect(page.getByLabel("Write a reply")).toHaveValue("");
  const after = await page.context().newPage();
  await after.goto(path);
  await expect(after.getByRole("article", { name: "Reply to customer by @reporter" })).toBeVisible();
  await expect(after.getByLabel("Write a reply")).toHaveValue("");
});

test("saved replies: a maintainer shares one, a reporter inserts it with its placeholders filled", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await signInAs(page, "maintainer");
  const name = unique("Refund issued");
  await page.goto("/demo/app/-/saved_replies");
  await page.getByLabel("Name").fill(name);
  await page
    .getByLabel("Reply", { exact: true })
    .fill("Hi %{REQUESTER_NAME}, we refunded ticket %{ISSUE_ID} (%{ISSUE_PATH}).");
  await page.getByLabel("Share with everyone in this project").check();
  await page.getByRole("button", { name: "Add saved reply" }).click();
  await expect(page.getByRole("region", { name: "Shared in App" })).toContainText(name);
  expect(await seriousViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/screens/saved-replies-375.png", fullPage: true });

  const reporter = await newAgent(browser, "reporter");
  try {
    const subject = unique("Refund please");
    const { path, iid } = await newTicket(reporter.page, subject);
    await reporter.page.goto(path);
    const box = reporter.page.getByLabel("Write a reply");
    await box.click();
    await box.press("Control+/");
    await reporter.page.getByLabel("Search saved replies").fill(name.split(" ")[0]);
    await reporter.page.getByRole("button", { name: new RegExp(name) }).click();
    await expect(box).toHaveValue(`Hi Ada Lovelace, we refunded ticket #${iid} (demo/app#${iid}).`);
    expect(await seriousViolations(reporter.page)).toEqual([]);
  } finally {
    await reporter.context.close();
  }
});
