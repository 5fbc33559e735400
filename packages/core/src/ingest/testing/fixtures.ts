// Test helpers: Tidings' own test emails (fixtures/*.eml), written for this project and modelled on what
// real clients send (Gmail, Outlook, Thunderbird, a Japanese client…). `npm test` needs nothing outside the
// repository; GitLab's corpus is read only by the conformance command (`npm run test:conformance`).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

export type FixtureVars = { projectId?: number; slug?: string; key?: string; host?: string };

/** The mail domain the fixtures are addressed to; `host` moves them to the domain a test's settings use. */
export const FIXTURE_HOST = "appmail.example";

/**
 * A fixture's bytes with its placeholders (`project_slug`, `project_key`, `project_id`, and the domain
 * `appmail.example`) replaced. latin1 round-trips every byte, so non-UTF-8 fixtures (Shift_JIS) stay byte-identical.
 */
export const mailFixture = (name: string, vars: FixtureVars = {}): Buffer => {
  const raw = fs.readFileSync(path.join(FIXTURES_DIR, name));
  let text = raw.toString("latin1");
  if (vars.slug !== undefined) text = text.replaceAll("project_slug", vars.slug);
  if (vars.key !== undefined) text = text.replaceAll("project_key", vars.key);
  if (vars.projectId !== undefined) text = text.replaceAll("project_id", String(vars.projectId));
  if (vars.host !== undefined) text = text.replaceAll(`@${FIXTURE_HOST}`, `@${vars.host}`);
  return Buffer.from(text, "latin1");
};

export const fixtureFiles = () =>
  fs
    .readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith(".eml"))
    .sort();
