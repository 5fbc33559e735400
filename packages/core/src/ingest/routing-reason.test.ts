import { describe, expect, it } from "vitest";
import { decodeRoute, encodeRoute, explainRoute, type RouteReason } from "./routing-reason.ts";

const ALL: RouteReason[] = [
  { reason: "reply_key", header: "delivered-to" },
  { reason: "thread", messageId: "abc@customer.example" },
  { reason: "new_issue", header: "to" },
  { reason: "follows_move", messageId: "m@customer.example" },
  { reason: "moved", fromIid: 3 },
];

describe("routing reasons (12.6)", () => {
  it("round-trips every reason through the stored columns", () => {
    for (const r of ALL) {
      const { reason, detail } = encodeRoute(r);
      expect(decodeRoute(reason, detail)).toEqual(r);
    }
    expect(decodeRoute(null, null)).toBeNull();
    expect(decodeRoute("moved", "not-a-number")).toBeNull();
  });

  it("explains each in a sentence that names the header, never an address", () => {
    expect(explainRoute(ALL[0])).toBe(
      "Added here because it was sent to this issue's reply address (found in Delivered-To).",
    );
    expect(explainRoute(ALL[2])).toBe(
      "A new issue because it was sent to the project's Service Desk address (found in To) and answers no email of an existing issue.",
    );
    expect(explainRoute(ALL[4])).toBe("Moved here by a responder from #3.");
    for (const r of ALL) expect(explainRoute(r)).not.toMatch(/incoming\+|[0-9a-f]{32}/);
  });
});
