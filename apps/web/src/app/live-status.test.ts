import { describe, expect, it } from "vitest";
import { createLiveStatus, stateAfterClose } from "./live-status.tsx";

describe("live status", () => {
  it("treats the client's own closes as idle and any other close as a loss", () => {
    expect(stateAfterClose(1000)).toBe("idle");
    expect(stateAfterClose(4499)).toBe("idle");
    expect(stateAfterClose(1006)).toBe("reconnecting");
    expect(stateAfterClose(1012)).toBe("reconnecting");
  });

  it("notifies subscribers of changes only", () => {
    const status = createLiveStatus();
    const seen: string[] = [];
    status.subscribe(() => seen.push(status.get()));
    status.set("live");
    status.set("live");
    status.set("reconnecting");
    expect(seen).toEqual(["live", "reconnecting"]);
  });
});
