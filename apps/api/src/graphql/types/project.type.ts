import type { ProjectEntity } from "@tidings/db";
import { Field, ID, Int } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import { toGid } from "../ids.ts";
import { UserType } from "./user.type.ts";

@ObjectType("Project")
export class ProjectType {
  @Field(() => ID) id!: string;
  @Field(() => ID) fullPath!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "private, internal or public." }) visibility!: string;
  @Field(() => Boolean) serviceDeskEnabled!: boolean;
  /** Not exposed: used by field resolvers. */
  dbId!: number;
  entity!: ProjectEntity;
}

export const presentProject = (p: ProjectEntity): ProjectType => ({
  id: toGid("Project", p.id),
  fullPath: p.fullPath,
  name: p.name,
  visibility: p.visibility,
  serviceDeskEnabled: p.serviceDeskEnabled,
  dbId: p.id,
  entity: p,
});

@ObjectType("ProjectConnection")
export class ProjectConnectionType {
  @Field(() => [ProjectType]) nodes!: ProjectType[];
}

@ObjectType("ProjectPermissions", { description: "What the viewer may do in this project." })
export class ProjectPermissionsType {
  @Field(() => Boolean) readProject!: boolean;
  @Field(() => Boolean, { description: "Confidential issues, internal notes, the Service Desk address (Reporter+)." })
  readConfidentialIssues!: boolean;
  @Field(() => Boolean) createNote!: boolean;
  @Field(() => Boolean, { description: "Close, reopen, label, assign, move (Reporter+)." }) updateIssue!: boolean;
  @Field(() => Boolean, { description: "Service Desk settings and quarantine (Maintainer+)." }) adminProject!: boolean;
  @Field(() => Boolean, { description: "Manage the project's saved replies (Maintainer+, issue 11.4)." })
  adminSavedReplies!: boolean;
  @Field(() => Boolean, { description: "Create, rename and delete the project's shared views (Maintainer+, 10.3)." })
  adminSharedViews!: boolean;
}

@ObjectType("AccessLevel")
export class AccessLevelType {
  @Field(() => Int) integerValue!: number;
  @Field(() => String, { description: "GUEST, REPORTER, DEVELOPER, MAINTAINER or OWNER." }) stringValue!: string;
}

@ObjectType("ProjectMember", { description: "A member of the project, directly or through its groups." })
export class ProjectMemberType {
  @Field(() => UserType) user!: UserType;
  @Field(() => AccessLevelType) accessLevel!: AccessLevelType;
}

@ObjectType("ProjectMemberConnection")
export class ProjectMemberConnectionType {
  @Field(() => [ProjectMemberType]) nodes!: ProjectMemberType[];
}
