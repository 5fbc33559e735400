// Test helpers: GitLab's conformance corpus lives beside the project (../shared/corpus/gitlab, MIT, ©
// GitLab Inc.; see its README.md) and is read from there, never copied into the repository.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../..");
export const CORPUS_DIR = path.resolve(REPO_ROOT, "../shared/corpus/gitlab");

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
