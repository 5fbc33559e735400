// The conformance command's helpers (`npm run test:conformance`): GitLab's own test emails (MIT, © GitLab
// Inc.; see its README.md) are read from GITLAB_CORPUS_DIR, by default ../shared/corpus/gitlab beside the
// checkout (as CI lays it out), never copied into the repository. `npm test` never reads them.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../..");
// biome-ignore lint/style/noProcessEnv: a test-runner knob for the conformance command, not product configuration.
const configured = process.env.GITLAB_CORPUS_DIR;
export const CORPUS_DIR = path.resolve(REPO_ROOT, configured || "../shared/corpus/gitlab");

/** Fails loudly, naming the directory and the variable, when the corpus is not there. */
export const requireCorpus = () => {
  if (!fs.existsSync(path.join(CORPUS_DIR, "EXPECTED.md"))) {
    throw new Error(
      `GitLab's corpus was not found at ${CORPUS_DIR} (no EXPECTED.md). Set GITLAB_CORPUS_DIR to the directory ` +
        "holding GitLab's Service Desk test emails, or lay out shared/corpus/gitlab beside the checkout.",
    );
  }
};
requireCorpus();

/** A fixture's bytes with GitLab's spec placeholders substituted (email_shared_context.rb). */
export const gitlabFixture = (name: string, vars: { projectId?: number; slug?: string; key?: string } = {}): Buffer => {
  const raw = fs.readFileSync(path.join(CORPUS_DIR, name));
  if (vars.projectId === undefined && vars.slug === undefined && vars.key === undefined) return raw;
  // latin1 round-trips every byte, so non-UTF-8 fixtures (Shift_JIS) stay byte-identical elsewhere.
  let text = raw.toString("latin1");
  if (vars.slug !== undefined) text = text.replaceAll("project_slug", vars.slug);
  if (vars.key !== undefined) text = text.replaceAll("project_key", vars.key);
  if (vars.projectId !== undefined) text = text.replaceAll("project_id", String(vars.projectId));
  return Buffer.from(text, "latin1");
};

export const corpusFiles = () =>
  fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".eml"))
    .sort();
