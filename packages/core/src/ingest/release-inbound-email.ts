import { type EntityManager, InboundEmailEntity, ProjectEntity, QUARANTINE_STATUSES } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { contentOf, parseEmail } from "./decide.ts";
import { readHeaders } from "./headers.ts";
import { applyToProject, type InboundOutcome, type IngestSettings } from "./process-inbound-email.ts";

/**
 * C12 "release into a project": a quarantined message (auto-reply, unknown address, rate-limited…) is
 * applied to the chosen project as a Service Desk email, skipping routing, classification and the rate
 * limit. The permission check (Maintainer+ of the project, or admin) is the caller's.
 */
export const releaseInboundEmail = async (
  db: EntityManager,
  settings: IngestSettings,
  input: { id: number; projectId: number },
): Promise<InboundOutcome> => {
  const row = await db.findOne(InboundEmailEntity, { where: { id: input.id }, lock: { mode: "pessimistic_write" } });
  if (!row) throw new DomainError("NOT_FOUND", "The email does not exist.");
  if (!QUARANTINE_STATUSES.includes(row.status)) {
    throw new DomainError(
      "CONFLICT",
      `Only ignored, rejected or failed emails can be released (this one is ${row.status}).`,
    );
  }
  if (row.sizeBytes > row.raw.length) {
    throw new DomainError("INVALID_INPUT", "This email was too large to be stored whole; it cannot be released.");
  }
  const project = await db.findOneBy(ProjectEntity, { id: input.projectId });
  if (!project) throw new DomainError("NOT_FOUND", "Project not found.");
  const content = contentOf(await parseEmail(row.raw), row.raw, readHeaders(row.raw));
  const result = await applyToProject(db, settings, row, content, project);
  await db.update(
    InboundEmailEntity,
    { id: row.id },
    {
      status: result.status,
      reason: result.reason ?? `Released into ${project.fullPath}.`,
      projectId: result.projectId,
      issueId: result.issueId,
      noteId: result.noteId,
      processedAt: new Date(),
    },
  );
  return result;
};
