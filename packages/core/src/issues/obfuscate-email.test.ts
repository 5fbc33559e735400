import { describe, expect, it } from "vitest";
import { obfuscateEmail, obfuscateEmailsIn } from "./obfuscate-email.ts";

describe("obfuscateEmail (gitlab-reference item 32)", () => {
  it("deforms as GitLab does", () => {
    expect(obfuscateEmail("jake@adventuretime.ooo")).toBe("ja*****@a*****.o**");
    expect(obfuscateEmail("a@b.co")).toBe("a*****@b*****.c**");
    expect(obfuscateEmail("jane.doe@mail.example.com")).toBe("ja*****@m*****.c**");
  });
});

describe("obfuscateEmailsIn", () => {
  it("obfuscates every address in a system note and leaves the rest", () => {
    expect(obfuscateEmailsIn("unsubscribed jake@adventuretime.ooo")).toBe("unsubscribed ja*****@a*****.o**");
    expect(obfuscateEmailsIn("added <a.b@x.example> and c@d.org, then left")).toBe(
      "added <a.*****@x*****.e**> and c*****@d*****.o**, then left",
    );
    expect(obfuscateEmailsIn("moved from demo/app#3")).toBe("moved from demo/app#3");
  });
});
