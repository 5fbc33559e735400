import { type EntityManager, SUPPORT_BOT_USERNAME, UserEntity, UserType } from "@tidings/db";

/** The Support Bot (A4) authors everything that comes from email. It has no password: it cannot sign in. */
export const ensureSupportBot = async (db: EntityManager): Promise<UserEntity> => {
  await db.query(
    `INSERT INTO users (username, name, email, password_hash, user_type)
     VALUES ($1, 'Support Bot', 'support-bot@tidings.localhost', NULL, $2)
     ON CONFLICT DO NOTHING`,
    [SUPPORT_BOT_USERNAME, UserType.SupportBot],
  );
  return db.findOneByOrFail(UserEntity, { username: SUPPORT_BOT_USERNAME });
};
