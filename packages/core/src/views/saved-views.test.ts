import { describe, expect, it } from "vitest";
import { checkViewFilters, DEFAULT_VIEW_FILTERS, savedViewAccess } from "./saved-views.ts";

describe("checkViewFilters", () => {
  it("fills in the list's defaults, trims, drops blank and repeated labels and the @ of a username", () => {
    expect(checkViewFilters({ search: "  refund ", labels: [" bug", "", "bug", "urgent"], assignee: "@ana" })).toEqual({
      ok: true,
      value: { ...DEFAULT_VIEW_FILTERS, search: "refund", labels: ["bug", "urgent"], assignee: "ana" },
    });
  });
  it("reads filters of the wrong JSON type as empty rather than failing the whole list", () => {
    const stored = { search: 42, labels: "bug", assignee: ["x"] } as unknown as Parameters<typeof checkViewFilters>[0];
    expect(checkViewFilters(stored)).toEqual({ ok: true, value: DEFAULT_VIEW_FILTERS });
  });
});

describe("savedViewAccess", () => {
  const member = { savePersonalViews: true, readSharedViews: true, adminSharedViews: false };
  const maintainer = { ...member, adminSharedViews: true };
  it("gives a personal view to its owner alone, whatever their role", () => {
    expect(savedViewAccess(maintainer, 2, { userId: 1 })).toEqual({ read: false, manage: false });
    expect(savedViewAccess(member, 1, { userId: 1 })).toEqual({ read: true, manage: true });
    expect(savedViewAccess(member, null, { userId: 1 })).toEqual({ read: false, manage: false });
  });
  it("shows a shared view to members and lets Maintainer+ manage it", () => {
    expect(savedViewAccess(member, 1, { userId: null })).toEqual({ read: true, manage: false });
    expect(savedViewAccess(maintainer, 1, { userId: null })).toEqual({ read: true, manage: true });
    expect(savedViewAccess({ ...member, readSharedViews: false }, 1, { userId: null })).toEqual({
      read: false,
      manage: false,
    });
  });
});
