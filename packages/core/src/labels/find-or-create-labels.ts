import { type EntityManager, LabelEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";

export const MAX_LABEL_TITLE = 255;

/**
 * The project's labels with these titles (case-insensitive), creating the missing ones, as GitLab's
 * REST `labels` parameter does. Returned in the order asked, without duplicates.
 */
export const findOrCreateLabels = async (
  db: EntityManager,
  input: { projectId: number; titles: string[] },
): Promise<LabelEntity[]> => {
  const titles = [...new Map(input.titles.map((t) => [t.trim().toLowerCase(), t.trim()])).values()];
  for (const t of titles) {
    if (!t) throw new DomainError("INVALID_INPUT", "Label title can't be blank.");
    if (t.length > MAX_LABEL_TITLE)
      throw new DomainError("INVALID_INPUT", "Label title is too long (maximum is 255 characters).");
  }
  if (titles.length === 0) return [];
  await db.query(
    `INSERT INTO labels (project_id, title) SELECT $1, t FROM unnest($2::text[]) AS t
     ON CONFLICT (project_id, lower(title)) DO NOTHING`,
    [input.projectId, titles],
  );
  const rows: LabelEntity[] = await db
    .createQueryBuilder(LabelEntity, "l")
    .where("l.projectId = :projectId", { projectId: input.projectId })
    .andWhere("lower(l.title) IN (:...lowered)", { lowered: titles.map((t) => t.toLowerCase()) })
    .getMany();
  const byLower = new Map(rows.map((r) => [r.title.toLowerCase(), r]));
  return titles.map((t) => byLower.get(t.toLowerCase())).filter((l): l is LabelEntity => !!l);
};
