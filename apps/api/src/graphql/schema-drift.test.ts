import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { printApiSchema } from "./schema.ts";

const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../schema.graphql");

describe("schema.graphql (F1)", () => {
  it("is what the code builds: run `npm run schema:emit -w @tidings/api` after changing the schema", async () => {
    const committed = fs.readFileSync(SCHEMA_FILE, "utf8");
    expect(await printApiSchema()).toBe(committed);
  });

  it("keeps the contract's names", async () => {
    const sdl = await printApiSchema();
    for (const name of [
      "currentUser: CurrentUser",
      "project(fullPath: ID!): Project",
      "serviceDeskAddress: String",
      "serviceDeskSettings: ServiceDeskSettings",
      "issue(iid: String!): Issue",
      "issueCreated(projectPath: ID!): Issue",
      "issueUpdated(projectPath: ID!): Issue",
      "noteCreated(noteableId: ID!): Note",
      "createNote(input: CreateNoteInput!): CreateNotePayload!",
      "updateIssue(input: UpdateIssueInput!): UpdateIssuePayload!",
      "issueMove(input: IssueMoveInput!): IssueMovePayload!",
      "updateServiceDeskSettings(input: UpdateServiceDeskSettingsInput!): UpdateServiceDeskSettingsPayload!",
    ]) {
      expect(sdl).toContain(name);
    }
    expect(sdl).toMatch(
      /issues\(after: String, assigneeUsernames: \[String!\], authorUsername: String, first: Int, labelName: \[String!\], needsReply: Boolean, search: String, sort: IssueSort = CREATED_DESC, state: IssueState = opened\): IssueConnection!/,
    );
  });
});
