// The browser keeps copies of a few server rules so the settings panel can answer while a maintainer
// types (issue 9.11: a copy must be proven equal to its original). Each copy against the server's rule.
import { describe, expect, it } from "vitest";
import { fullPathSlug as webSlug } from "../../../../apps/web/src/app/paths.ts";
import {
  defaultKeyPreview,
  PLACEHOLDERS,
  previewAddress,
  suffixProblem,
} from "../../../../apps/web/src/scenes/settings/templates.ts";
import { TEMPLATE_PLACEHOLDERS } from "../notifications/templates.ts";
import { MAX_PROJECT_KEY, PROJECT_KEY_FORMAT } from "../settings/update-service-desk-settings.ts";
import { fullPathSlug } from "../slug.ts";
import { aliasAddress, serviceDeskAddress } from "./addresses.ts";
import { encodeKey } from "./mail-key-codec.ts";

const PATHS = ["demo/app", "Group.Name/Sub_Project-x", "-a-/b.", "ÜBER/straße", `${"x".repeat(80)}/y`, "a..b/c--d"];

describe("the web app's copies of server rules", () => {
  it("slugs paths like the server", () => {
    for (const p of PATHS) expect(webSlug(p)).toBe(fullPathSlug(p));
  });

  it("previews the default and the suffixed address like the server will make them", () => {
    const cfg = {
      incomingEmailAddress: "incoming+%{key}@in.example.com",
      serviceDeskEmailAddress: "contact+%{key}@example.com",
    };
    for (const [i, path] of PATHS.entries()) {
      const project = { id: i + 7, fullPathSlug: fullPathSlug(path), serviceDeskEnabled: true };
      expect(defaultKeyPreview(project.fullPathSlug, project.id)).toBe(
        encodeKey({ kind: "service_desk", slug: project.fullPathSlug, projectId: project.id }),
      );
      const shown = serviceDeskAddress(cfg, project, null);
      for (const suffix of ["support", "help_2", ""]) {
        const expected = aliasAddress(cfg, project, { projectKey: suffix || null });
        expect(
          previewAddress(shown, project.fullPathSlug, suffix, defaultKeyPreview(project.fullPathSlug, project.id)),
        ).toBe(expected);
      }
    }
  });

  it("judges a suffix like the server", () => {
    for (const suffix of ["support", "a_b_9", "Upper", "with-dash", "dots.no", "ü", "x".repeat(255), "x".repeat(256)]) {
      const serverOk = PROJECT_KEY_FORMAT.test(suffix) && suffix.length <= MAX_PROJECT_KEY;
      expect(suffixProblem(suffix) === null, suffix).toBe(serverOk);
    }
  });

  it("knows the same template placeholders", () => {
    expect([...PLACEHOLDERS].sort()).toEqual([...TEMPLATE_PLACEHOLDERS].sort());
  });
});
