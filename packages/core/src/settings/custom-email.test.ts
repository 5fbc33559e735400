import { describe, expect, it } from "vitest";
import { customEmailProblems, verificationAddressOf } from "./custom-email.ts";

const valid = {
  customEmail: "support@acme.test",
  smtpHost: "127.0.0.1",
  smtpPort: 587,
  smtpUsername: "support@acme.test",
  smtpPassword: "correct horse",
};

describe("custom email input (13.2, GitLab item 33)", () => {
  it("accepts GitLab's format and names each problem otherwise", async () => {
    expect(await customEmailProblems(valid, { allowPrivateHosts: true })).toEqual([]);
    expect(
      await customEmailProblems(
        { ...valid, customEmail: "support+desk@acme.test", smtpPort: 0, smtpPassword: "short" },
        { allowPrivateHosts: true },
      ),
    ).toEqual([
      "Custom email must be an address such as support@example.com, without '+'.",
      "SMTP port must be a whole number between 1 and 65535 (usually 587).",
      "SMTP password must be 8 to 128 characters.",
    ]);
    expect(await customEmailProblems({ ...valid, smtpUsername: "" }, { allowPrivateHosts: true })).toEqual([
      "Enter the custom email address, the SMTP host, username and password.",
    ]);
  });

  it("refuses local and private SMTP hosts unless the instance allows them", async () => {
    for (const smtpHost of ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.9", "::1", "169.254.169.254"]) {
      expect(await customEmailProblems({ ...valid, smtpHost }, { allowPrivateHosts: false })).toEqual([
        expect.stringContaining("CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS=true"),
      ]);
    }
    expect(await customEmailProblems({ ...valid, smtpHost: "203.0.113.9" }, { allowPrivateHosts: false })).toEqual([]);
    expect(await customEmailProblems({ ...valid, smtpHost: "smtp example.com" }, { allowPrivateHosts: false })).toEqual(
      ["SMTP host must be a host name such as smtp.example.com or an IP address."],
    );
  });

  it("sends the verification to <local>+verify@<domain>", () => {
    expect(verificationAddressOf("support@acme.test")).toBe("support+verify@acme.test");
  });
});
