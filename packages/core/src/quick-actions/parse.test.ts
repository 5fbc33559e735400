import { describe, expect, it } from "vitest";
import { parseEmailArgs, parseLabelArgs, parseQuickActions, parseUserArgs } from "./parse.ts";

describe("parseQuickActions (issue 11.1, GitLab's syntax)", () => {
  it("takes commands on their own lines out of the text", () => {
    expect(parseQuickActions("Thanks for waiting.\n/close\n/label ~billing")).toEqual({
      text: "Thanks for waiting.",
      commands: [
        { name: "close", args: "" },
        { name: "label", args: "~billing" },
      ],
    });
  });

  it("reads several commands after text on one line, each up to the next", () => {
    expect(parseQuickActions("Thanks! /label ~billing /assign @developer")).toEqual({
      text: "Thanks!",
      commands: [
        { name: "label", args: "~billing" },
        { name: "assign", args: "@developer" },
      ],
    });
  });

  it("reads quoted labels with spaces and several labels in one command", () => {
    const { commands } = parseQuickActions('/label ~a ~"needs info" ~b');
    expect(commands).toEqual([{ name: "label", args: '~a ~"needs info" ~b' }]);
    expect(parseLabelArgs(commands[0].args)).toEqual(["a", "needs info", "b"]);
  });

  it("never runs commands inside fenced code, indented code, quotes or code spans", () => {
    const body = [
      "Run this:",
      "```",
      "/close",
      "```",
      "~~~",
      "/label ~x",
      "~~~",
      "    /title indented",
      "> /reopen quoted",
      "Type `/close` to close.",
    ].join("\n");
    expect(parseQuickActions(body)).toEqual({ text: body, commands: [] });
  });

  it("leaves unknown commands, paths and words with slashes as text", () => {
    const body = "See /etc/hosts and/or /unknown_cmd here.\nhttps://example.com/close";
    expect(parseQuickActions(body)).toEqual({ text: body, commands: [] });
  });

  it("is case-insensitive and knows GitLab's aliases", () => {
    expect(parseQuickActions("/CLOSE\n/retitle New name\n/remove_label ~x").commands).toEqual([
      { name: "close", args: "" },
      { name: "title", args: "New name" },
      { name: "unlabel", args: "~x" },
    ]);
  });

  it("gives an empty text for a comment that is only commands", () => {
    expect(parseQuickActions("/close\n\n/assign me\n").text).toBe("");
  });

  it("keeps paragraphs around a removed command line", () => {
    expect(parseQuickActions("Hello,\n\n/label ~x\n\nBye").text).toBe("Hello,\n\nBye");
  });
});

describe("argument readers", () => {
  it("users: @ optional, commas and duplicates", () => {
    expect(parseUserArgs("@ana, ben @ana")).toEqual(["ana", "ben"]);
  });
  it("emails: space or comma separated, duplicates once", () => {
    expect(parseEmailArgs("a@x.org, b@y.org a@x.org")).toEqual(["a@x.org", "b@y.org"]);
  });
});
