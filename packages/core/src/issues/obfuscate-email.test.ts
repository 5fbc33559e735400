import { describe, expect, it } from "vitest";
import { obfuscateEmail } from "./obfuscate-email.ts";

describe("obfuscateEmail (gitlab-reference item 32)", () => {
  it("deforms as GitLab does", () => {
    expect(obfuscateEmail("jake@adventuretime.ooo")).toBe("ja*****@a*****.o**");
    expect(obfuscateEmail("a@b.co")).toBe("a*****@b*****.c**");
    expect(obfuscateEmail("jane.doe@mail.example.com")).toBe("ja*****@m*****.c**");
  });
});
