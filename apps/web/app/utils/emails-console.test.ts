import { describe, expect, it } from "vitest";
import { emailStatusLabels, parseEmailStatus, recipientLine } from "./emails-console";

describe("e-mails console", () => {
  it("reads a known status from the URL and ignores anything else", () => {
    expect(parseEmailStatus(new URLSearchParams("statut=unconfirmed"))).toBe("unconfirmed");
    expect(parseEmailStatus(new URLSearchParams("statut=sent"))).toBe("sent");
    expect(parseEmailStatus(new URLSearchParams("statut=bogus"))).toBeUndefined();
    expect(parseEmailStatus(new URLSearchParams(""))).toBeUndefined();
  });

  it("labels every status in French", () => {
    expect(emailStatusLabels.unconfirmed.label).toBe("À confirmer");
    expect(emailStatusLabels.sent.label).toBe("Envoyé");
    expect(emailStatusLabels.failed.tone).toBe("danger");
  });

  it("names the recipient with the address", () => {
    expect(recipientLine({ to: "a@b.fr", recipientName: "Claire Martin" })).toBe(
      "Claire Martin <a@b.fr>",
    );
    expect(recipientLine({ to: "a@b.fr" })).toBe("a@b.fr");
  });
});
