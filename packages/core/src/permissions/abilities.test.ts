import { describe, expect, it } from "vitest";
import { canReadIssue, projectAbilities } from "./abilities.ts";

const user = { id: 1, username: "u", admin: false };
const priv = { visibility: "private" as const };

describe("projectAbilities", () => {
  it("hides a private project from non-members and anonymous viewers", () => {
    expect(projectAbilities(user, priv, null).readProject).toBe(false);
    expect(projectAbilities(null, priv, null).readProject).toBe(false);
  });
  it("lets a guest read the project but not confidential issues or the Service Desk address", () => {
    const a = projectAbilities(user, priv, 10);
    expect(a.readProject).toBe(true);
    expect(a.readConfidential).toBe(false);
    expect(a.readServiceDeskAddress).toBe(false);
    expect(canReadIssue(a, { confidential: true })).toBe(false);
    expect(canReadIssue(a, { confidential: false })).toBe(true);
  });
  it("gives reporters confidential issues and the address, maintainers the settings", () => {
    expect(projectAbilities(user, priv, 20)).toMatchObject({
      readConfidential: true,
      readServiceDeskAddress: true,
      adminServiceDesk: false,
      readMailHealth: false,
      moveInboundMessage: true,
    });
    expect(projectAbilities(user, priv, 10).moveInboundMessage).toBe(false);
    expect(projectAbilities(user, priv, 40)).toMatchObject({ adminServiceDesk: true, readMailHealth: true });
    expect(projectAbilities(user, { visibility: "public" }, 30).readMailHealth).toBe(false);
  });
  it("gives instance admins everything without membership", () => {
    expect(projectAbilities({ ...user, admin: true }, priv, null)).toMatchObject({
      readProject: true,
      adminServiceDesk: true,
    });
  });
  it("lets signed-in non-members read internal projects and anyone read public ones", () => {
    expect(projectAbilities(user, { visibility: "internal" }, null).readProject).toBe(true);
    expect(projectAbilities(null, { visibility: "internal" }, null).readProject).toBe(false);
    expect(projectAbilities(null, { visibility: "public" }, null).readProject).toBe(true);
  });
  it("lets members see the project's shared views, Maintainer+ manage them, signed-in readers keep their own", () => {
    const views = (viewer: typeof user | null, level: number | null, visibility = priv.visibility as string) => {
      const a = projectAbilities(viewer, { visibility: visibility as "private" }, level);
      return [a.savePersonalViews, a.readSharedViews, a.adminSharedViews];
    };
    expect(views(user, 10)).toEqual([true, true, false]);
    expect(views(user, 30)).toEqual([true, true, false]);
    expect(views(user, 40)).toEqual([true, true, true]);
    expect(views(user, null)).toEqual([false, false, false]);
    // A public project's non-member may keep views of their own, but the team's are for members.
    expect(views(user, null, "public")).toEqual([true, false, false]);
    expect(views(null, null, "public")).toEqual([false, false, false]);
  });
});
