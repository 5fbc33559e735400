// Issue 10.5, search that finds: in the list's search box, "refund" finds "refunds", "log" finds "login",
// "ruckerstattung" finds "Rückerstattung", a word only in a comment finds its ticket, and the requester's
// domain finds theirs — each hit with its snippet, the match highlighted. A Guest finds neither the
// requester's domain nor a word of an internal note, and their snippets never quote one.
import { type Page, expect, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail } from "./support/mail.ts";
import { collectPageErrors, graphql, serviceDeskAddress, unique, waitForIssueIid } from "./web-helpers.ts";

/** Types a search into the list's search box, as a responder does, and returns the list. */
const searchFor = async (page: Page, text: string) => {
  await page.getByLabel("Search").fill(text);
  await page.getByLabel("Search").press("Enter");
  await expect(page).toHaveURL(/search=/);
  return page.getByRole("list", { name: "Issues" });
};

/** The one row of the list whose title is `title`, with its snippet. */
const row = (page: Page, title: string) => page.locator("li.issue-row").filter({ hasText: title });

test("search finds stems, prefixes, accents, comments and the requester's domain, with the match highlighted", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await signInAs(page, "reporter");
  const desk = await serviceDeskAddress(page, "demo/app");
  const tag = unique("s").split(" ")[1];
  const customer = `kim.${tag}@customer.example`;
  const baker = `lena.${tag}@bakery-${tag}.example`;
  const refund = `Money back ${tag}`;
  const login = `Cannot get in ${tag}`;
  const german = `Bestellung ${tag}`;
  await sendCustomerMail({
    from: customer,
    to: desk,
    subject: refund,
    text: "I would like my refunds for two orders.",
  });
  await sendCustomerMail({ from: customer, to: desk, subject: login, text: "The login page spins forever." });
  await sendCustomerMail({ from: baker, to: desk, subject: german, text: "Bitte um Rückerstattung des Betrags." });
  const iids = {
    refund: await waitForIssueIid(page, refund),
    login: await waitForIssueIid(page, login),
    german: await waitForIssueIid(page, german),
  };
  const issue = async (iid: string) =>
    (
      await graphql<{ project: { issue: { id: string } } }>(
        page,
        'query ($iid: String!) { project(fullPath: "demo/app") { issue(iid: $iid) { id } } }',
        { iid },
      )
    ).project.issue.id;
  const note = async (iid: string, body: string, internal: boolean) =>
    expect(
      (
        await graphql<{ createNote: { errors: string[] } }>(
          page,
          "mutation ($i: CreateNoteInput!) { createNote(input: $i) { errors } }",
          { i: { noteableId: await issue(iid), body, internal } },
        )
      ).createNote.errors,
    ).toEqual([]);
  const commentWord = `paperjam${tag}`;
  const internalWord = `tapir${tag}`;
  await note(iids.login, `Our courier reported a ${commentWord} at the depot.`, false);
  await note(iids.refund, `Between us: ${internalWord} owes them the money.`, true);
  // Service Desk tickets are confidential; this one is made public so a Guest can read it (and its comments).
  for (const iid of [iids.refund, iids.german])
    await graphql(page, "mutation ($i: UpdateIssueInput!) { updateIssue(input: $i) { errors } }", {
      i: { projectPath: "demo/app", iid, confidential: false },
    });

  await page.goto("/demo/app/-/issues?state=all");
  // Stems and prefixes, accents: each hit with the matching word marked in its description.
  for (const [text, title, mark] of [
    [`refund ${tag}`, refund, "refunds"],
    [`log ${tag}`, login, "login"],
    [`ruckerstattung ${tag}`, german, "Rückerstattung"],
  ]) {
    const list = await searchFor(page, text);
    await expect(list.getByRole("link")).toHaveText([title]);
    await expect(row(page, title).getByTestId("search-snippet")).toContainText(`Description: `);
    await expect(row(page, title).locator("mark")).toHaveText([mark]);
  }
  // A word only in a comment; the requester's domain (Reporter+); a word only in an internal note (Reporter+).
  for (const [text, title, source, mark] of [
    [commentWord, login, "Comment:", commentWord],
    [`bakery-${tag}.example`, german, "Requester:", baker],
    [internalWord, refund, "Internal note:", internalWord],
  ]) {
    const list = await searchFor(page, text);
    await expect(list.getByRole("link")).toHaveText([title]);
    await expect(row(page, title).getByTestId("search-snippet")).toContainText(source);
    await expect(row(page, title).locator("mark")).toHaveText([mark]);
  }
  expect(errors).toEqual([]);

  // A Guest reads the public tickets but not the requester's address nor internal notes: searching them
  // finds nothing, and a hit's snippet quotes only what they may read.
  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  await signInAs(guest, "guest");
  await guest.goto("/demo/app/-/issues?state=all");
  const guestList = await searchFor(guest, `refund ${tag}`);
  await expect(guestList.getByRole("link")).toHaveText([refund]);
  await expect(row(guest, refund).locator("mark")).toHaveText(["refunds"]);
  await expect(row(guest, refund)).not.toContainText(internalWord);
  for (const text of [`bakery-${tag}.example`, internalWord]) {
    await searchFor(guest, text);
    await expect(guest.getByText("No issues match these filters.")).toBeVisible();
  }
  await guestContext.close();
});

test("a search longer than 255 characters is refused with a sentence, and the search box stays to mend it", async ({
  page,
}) => {
  await signInAs(page, "reporter");
  await page.goto("/demo/app/-/issues?state=all");
  await searchFor(page, `printer ${"x".repeat(300)}`);
  await expect(page.getByRole("alert")).toHaveText("Search is too long (maximum is 255 characters).");
  // The filter bar is still there, with what was typed: the person shortens it and gets a list.
  await expect(page.getByLabel("Search")).toHaveValue(/^printer x+$/);
  await searchFor(page, "printer");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "These issues could not be listed" })).toHaveCount(0);
  await expect(
    page.getByRole("list", { name: "Issues" }).or(page.getByText("No issues match these filters.")),
  ).toBeVisible();
});
