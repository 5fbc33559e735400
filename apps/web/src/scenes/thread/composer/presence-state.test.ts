import { describe, expect, it } from "vitest";
import {
  EXPIRE_MS,
  expired,
  heard,
  isTyping,
  type PresenceMap,
  REORDER_GRACE_MS,
  stateToSend,
  TYPING_EXPIRE_MS,
} from "./presence-state.ts";

const ana = { username: "developer", name: "Developer" };
const empty: PresenceMap = new Map();

describe("presence of the other responders (11.5)", () => {
  it("a heartbeat or greeting right after typing still says typing, so it cannot hide it", () => {
    // The race that hid "Developer is typing a reply…": a typing signal, then Ana's heartbeat 50 ms later.
    const typedAt = 1_000;
    const beat = stateToSend(typedAt, typedAt + 50);
    expect(beat).toBe("typing");
    const seen = heard(heard(empty, { ...ana, state: "typing" }, typedAt), { ...ana, state: beat }, typedAt + 50);
    expect(isTyping(seen.get("developer")!, typedAt + 100)).toBe(true);
  });

  it("says viewing once the viewer has not typed for 8 s, or has sent the reply", () => {
    expect(stateToSend(0, TYPING_EXPIRE_MS)).toBe("typing");
    expect(stateToSend(0, TYPING_EXPIRE_MS + 1)).toBe("viewing");
    expect(stateToSend(null, 5)).toBe("viewing");
  });

  it("the reader takes the last word: viewing after typing stops the typing line", () => {
    const typing = heard(empty, { ...ana, state: "typing" }, 0);
    const later = REORDER_GRACE_MS + 1;
    expect(isTyping(heard(typing, { ...ana, state: "viewing" }, later).get("developer")!, later)).toBe(false);
  });

  it("a viewing published just after a typing sent later (requests in flight overtake) keeps the typing", () => {
    const typing = heard(empty, { ...ana, state: "typing" }, 0);
    const overtaken = heard(typing, { ...ana, state: "viewing" }, REORDER_GRACE_MS);
    expect(isTyping(overtaken.get("developer")!, REORDER_GRACE_MS)).toBe(true);
    expect(isTyping(expired(overtaken, TYPING_EXPIRE_MS + 1).get("developer")!, TYPING_EXPIRE_MS + 1)).toBe(false);
  });

  it("typing fades after 8 s without a new signal, and they stay viewing", () => {
    const typing = heard(empty, { ...ana, state: "typing" }, 0);
    expect(expired(typing, TYPING_EXPIRE_MS)).toBe(typing);
    const faded = expired(typing, TYPING_EXPIRE_MS + 1);
    expect(faded.get("developer")).toMatchObject({ name: "Developer", typingAt: null });
  });

  it("forgets someone not heard from for 45 s, and at once when they leave", () => {
    const viewing = heard(empty, { ...ana, state: "viewing" }, 0);
    expect(expired(viewing, EXPIRE_MS).size).toBe(1);
    expect(expired(viewing, EXPIRE_MS + 1).size).toBe(0);
    expect(heard(viewing, { ...ana, state: "left" }, 10).size).toBe(0);
    expect(heard(empty, { ...ana, state: "left" }, 10)).toBe(empty);
  });
});
