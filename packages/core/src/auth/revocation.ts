// A credential (session or personal access token) that stops being valid must stop working everywhere at
// once, including on WebSockets that authenticated when they opened: its digest is NOTIFYed on this
// channel (in the caller's transaction, so only once it commits) and every api node closes those sockets.
import { type EntityManager, PersonalAccessTokenEntity } from "@tidings/db";

export const CREDENTIALS_REVOKED_CHANNEL = "tidings_sessions";

export const notifyCredentialRevoked = async (db: EntityManager, credentialDigest: string) => {
  await db.query("SELECT pg_notify($1, $2)", [CREDENTIALS_REVOKED_CHANNEL, credentialDigest]);
};

export type RevokePersonalAccessTokenInput = { tokenId: number; userId: number };

/** Revokes one of the user's tokens; false when it is not theirs or already revoked. */
export const revokePersonalAccessToken = async (
  db: EntityManager,
  input: RevokePersonalAccessTokenInput,
): Promise<boolean> => {
  const token = await db.findOneBy(PersonalAccessTokenEntity, { id: input.tokenId, userId: input.userId });
  if (!token || token.revokedAt) return false;
  await db.update(PersonalAccessTokenEntity, { id: token.id }, { revokedAt: new Date() });
  await notifyCredentialRevoked(db, token.tokenDigest);
  return true;
};
