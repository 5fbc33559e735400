import { type EntityManager, UserEntity, UserType } from "@tidings/db";
import { hashPassword } from "../auth/secrets.ts";
import { DomainError } from "../errors.ts";

export type CreateUserInput = {
  username: string;
  name?: string;
  email: string;
  password?: string | null;
  admin?: boolean;
};

/** What a username may be (also what a saved view may filter by: views/saved-views.ts). */
export const USERNAME = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,254}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export const createUser = async (db: EntityManager, input: CreateUserInput): Promise<UserEntity> => {
  const problems: string[] = [];
  if (!USERNAME.test(input.username)) problems.push("Username can contain only letters, digits, '_', '-' and '.'.");
  if (!EMAIL.test(input.email)) problems.push("Email must be an email address.");
  if (input.password != null && input.password.length < 8) problems.push("Password must be at least 8 characters.");
  if (problems.length) throw new DomainError("INVALID_INPUT", problems.join(" "));
  const taken = await db
    .createQueryBuilder(UserEntity, "u")
    .where("lower(u.username) = lower(:username) OR lower(u.email) = lower(:email)", input)
    .getOne();
  if (taken) throw new DomainError("CONFLICT", "A user with this username or email already exists.");
  return db.save(
    db.create(UserEntity, {
      username: input.username,
      name: input.name ?? input.username,
      email: input.email,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      admin: input.admin ?? false,
      userType: UserType.Human,
    }),
  );
};
