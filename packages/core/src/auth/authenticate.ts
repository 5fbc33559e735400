import { type EntityManager, PersonalAccessTokenEntity, preparedQuery, type UserEntity } from "@tidings/db";
import type { Viewer } from "../permissions/abilities.ts";
import { digest, randomToken } from "./secrets.ts";

/** What deciding a viewer reads of a user. */
type ViewerUser = Pick<UserEntity, "id" | "username" | "admin" | "blocked" | "userType">;

const toViewer = (u: ViewerUser | null | undefined): Viewer =>
  u && !u.blocked && u.userType === "human" ? { id: u.id, username: u.username, admin: u.admin } : null;

/**
 * The user behind a session cookie, or null when it is unknown or expired. Every request asks, so it reads
 * the four columns a viewer needs in one fixed statement, prepared (no query builder: issue 14.4).
 */
export const viewerFromSession = async (db: EntityManager, sessionToken: string | undefined): Promise<Viewer> => {
  if (!sessionToken) return null;
  const [user] = await preparedQuery<ViewerUser>(
    db,
    `SELECT u.id, u.username, u.admin, u.blocked, u.user_type AS "userType"
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_digest = $1 AND s.expires_at > now()`,
    [digest(sessionToken)],
  );
  return toViewer(user);
};

/** The user behind a personal access token (Authorization: Bearer), or null. */
export const viewerFromAccessToken = async (db: EntityManager, token: string | undefined): Promise<Viewer> => {
  if (!token) return null;
  const pat = await db
    .createQueryBuilder(PersonalAccessTokenEntity, "t")
    .innerJoinAndSelect("t.user", "u")
    .where("t.token_digest = :d AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())", {
      d: digest(token),
    })
    .getOne();
  if (pat) await db.update(PersonalAccessTokenEntity, { id: pat.id }, { lastUsedAt: new Date() });
  const viewer = toViewer(pat?.user);
  return viewer && pat && !pat.scopes.includes("api") ? { ...viewer, readOnly: true } : viewer;
};

export const PAT_PREFIX = "tdpat-";

/** Creates a personal access token; the clear token is returned once and only its digest is stored. */
export const createPersonalAccessToken = async (
  db: EntityManager,
  input: { userId: number; name: string; expiresAt?: Date | null },
): Promise<{ token: string; id: number }> => {
  const token = `${PAT_PREFIX}${randomToken()}`;
  const row = await db.save(
    db.create(PersonalAccessTokenEntity, {
      userId: input.userId,
      name: input.name,
      tokenDigest: digest(token),
      expiresAt: input.expiresAt ?? null,
    }),
  );
  return { token, id: row.id };
};
