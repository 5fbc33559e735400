import { describe, expect, it } from "vitest";
import { cleanDisplayName, displayNameIn } from "./participant-name.ts";

const message = (headers: string[]) => Buffer.from([...headers, "", "body text", ""].join("\r\n"));

describe("displayNameIn", () => {
  it("reads the From display name of the sender's address, RFC 2047 decoded", async () => {
    const raw = message(["From: =?UTF-8?Q?Dav=C3=A9_M=C3=BCller?= <dave@example.com>", "Subject: x"]);
    expect(await displayNameIn(raw, "DAVE@example.com")).toBe("Davé Müller");
  });

  it("takes the name beside the requester's address (Reply-To before From)", async () => {
    const raw = message(['From: "Mailing list" <list@example.com>', "Reply-To: Dave <dave@example.com>"]);
    expect(await displayNameIn(raw, "dave@example.com")).toBe("Dave");
  });

  it("is null when the address carries no name", async () => {
    expect(await displayNameIn(message(["From: dave@example.com"]), "dave@example.com")).toBeNull();
  });
});

describe("cleanDisplayName", () => {
  it("removes quotes, brackets, control and bidi characters, and caps the length", () => {
    expect(cleanDisplayName(' "Dave"\u202e <Miller>\r\n ')).toBe("Dave Miller");
    expect(cleanDisplayName("x".repeat(200))).toHaveLength(80);
  });

  it("refuses a name that holds an address (it would impersonate)", () => {
    expect(cleanDisplayName("ceo@bank.example")).toBeNull();
    expect(cleanDisplayName("   ")).toBeNull();
  });
});
