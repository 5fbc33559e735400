import { expect, it } from "vitest";
import { type Candidate, teamRecipients } from "./levels.ts";

const c = (userId: number, level: Candidate["level"], assigned = false, mayRead = true): Candidate => ({
  userId,
  level,
  assigned,
  mayRead,
});

it("tells watchers of every new ticket, and the assignees too", () => {
  expect(teamRecipients("new_ticket", [c(1, "watch"), c(2, "assigned"), c(3, "assigned", true)])).toEqual([
    { userId: 1, reason: "watching" },
    { userId: 3, reason: "assigned" },
  ]);
});

it("tells only the assignees of a reply on an assigned ticket; the watchers when nobody is assigned", () => {
  expect(teamRecipients("customer_reply", [c(1, "watch"), c(3, "watch", true)])).toEqual([
    { userId: 3, reason: "assigned" },
  ]);
  expect(teamRecipients("customer_reply", [c(1, "watch"), c(2, "assigned")])).toEqual([
    { userId: 1, reason: "watching" },
  ]);
  // An assignee who turned notifications off still counts as "assigned": the watchers are not told instead.
  expect(teamRecipients("customer_reply", [c(1, "watch"), c(3, "disabled", true)])).toEqual([]);
});

it("never tells someone who turned notifications off or may not read the issue", () => {
  expect(teamRecipients("new_ticket", [c(1, "disabled", true), c(2, "watch", false, false)])).toEqual([]);
});
