import { describe, expect, it } from "vitest";
import { describeCommands, parseQuickActions, suggestionsFor, triggerAt } from "./quick-actions.ts";

describe("composer quick actions (11.1)", () => {
  it("says what will run and what is sent", () => {
    expect(describeCommands(parseQuickActions("Thanks! /label ~billing /assign @developer"))).toBe(
      "Runs /label ~billing, /assign @developer; only the text is sent.",
    );
    expect(describeCommands(parseQuickActions("/close"))).toBe(
      "Runs /close. Nothing is emailed: there is no text to send.",
    );
    expect(describeCommands(parseQuickActions("Just text"))).toBeNull();
  });

  it("finds the command, label or mention being typed", () => {
    expect(triggerAt("Thanks /la", 10)).toEqual({ kind: "command", query: "la", start: 7, end: 10 });
    expect(triggerAt("/label ~bil", 11)).toEqual({ kind: "label", query: "bil", start: 7, end: 11 });
    expect(triggerAt("ping @dev", 9)).toEqual({ kind: "member", query: "dev", start: 5, end: 9 });
    expect(triggerAt("a/b", 3)).toBeNull();
  });

  it("suggests commands, quoted labels and members", () => {
    const data = { labels: ["billing", "needs info"], members: [{ username: "developer", name: "Dev" }] };
    expect(suggestionsFor({ kind: "command", query: "una", start: 0, end: 4 }, data).map((s) => s.value)).toEqual([
      "/unassign ",
    ]);
    expect(suggestionsFor({ kind: "label", query: "need", start: 0, end: 5 }, data)[0].value).toBe('~"needs info" ');
    expect(suggestionsFor({ kind: "member", query: "de", start: 0, end: 3 }, data)[0].value).toBe("@developer ");
  });
});
