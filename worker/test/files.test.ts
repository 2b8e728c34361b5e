import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { md5Hex, sha256Hex } from "../src/util";
import { BASE, client, createLead, createSite, json } from "./helpers";
import { makePdf, paystubLines } from "./pdf-fixture";

describe("lead files", () => {
  it("uploads a raw body to R2, lists it with hashes and serves its bytes", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const pdf = await makePdf({ lines: paystubLines({ gross: 2600, deductions: 600, net: 2000 }) });
    const up = await c.upload(leadId, "pay stub (Oct).pdf", "paystub", pdf);
    expect(up.status).toBe(201);
    const file = (await json(up)).data;
    expect(file.sha256).toBe(await sha256Hex(pdf));
    expect(file.md5).toBe(await md5Hex(pdf));
    expect(file.fileSize).toBe(pdf.length);
    expect(file.fileName).toBe("pay stub (Oct).pdf");
    expect(file.r2Key).toMatch(new RegExp(`^leads/${leadId}/\\d+-pay_stub_Oct_.pdf$`));
    const stored = await env.R2_PRIVATE.get(file.r2Key);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(pdf);

    const list = (await json(await c.get(`/api/ops/leads/${leadId}/files`))).data;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: file.id, leadId, fileType: "paystub", mimeType: "application/pdf", sha256: file.sha256 });

    const content = await c.get(`/api/ops/leads/${leadId}/files/${file.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get("Content-Type")).toBe("application/pdf");
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(pdf);

    const lead = (await json(await c.get(`/api/ops/leads/${leadId}`))).data;
    expect(lead.status).toBe("documents_received");
  });

  it("accepts multipart/form-data with a file part", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const form = new FormData();
    form.append("file", new File([new TextEncoder().encode("Bank statement\nClosing Balance: $3,000.00")], "bank.txt", { type: "text/plain" }));
    form.append("file_type", "bank_statement");
    const res = await SELF.fetch(`${BASE}/api/ops/leads/${leadId}/files`, {
      method: "POST", body: form, headers: { Authorization: `Bearer ${site.token}`, "X-Site-Id": site.siteId },
    });
    expect(res.status).toBe(201);
    expect((await json(res)).data).toMatchObject({ fileName: "bank.txt", fileType: "bank_statement", mimeType: "text/plain" });
  });

  it("refuses bad uploads with clear messages", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const empty = await c.upload(leadId, "a.pdf", "paystub", new Uint8Array());
    expect(empty.status).toBe(400);
    expect((await json(empty)).message).toMatch(/empty/);
    const badType = await c.upload(leadId, "a.pdf", "selfie", new Uint8Array([1, 2, 3]));
    expect(badType.status).toBe(400);
    expect((await json(badType)).message).toMatch(/Invalid file type/);
    const noName = await SELF.fetch(`${BASE}/api/ops/leads/${leadId}/files`, {
      method: "POST", body: new Uint8Array([1]), headers: { Authorization: `Bearer ${site.token}`, "X-Site-Id": site.siteId },
    });
    expect(noName.status).toBe(400);
    expect((await json(noName)).message).toMatch(/X-File-Name/);
    const unknownLead = await c.upload("lead_nope", "a.pdf", "paystub", new Uint8Array([1]));
    expect(unknownLead.status).toBe(404);
  });

  it("answers 404 for a file of another lead or site", async () => {
    const a = await createSite();
    const b = await createSite();
    const leadA = await createLead(a);
    const leadB = await createLead(b);
    const file = (await json(await client(b).upload(leadB, "x.txt", "other", new TextEncoder().encode("hello"), "text/plain"))).data;
    expect((await client(a).get(`/api/ops/leads/${leadB}/files/${file.id}/content`)).status).toBe(404);
    expect((await client(b).get(`/api/ops/leads/${leadB}/files/nope/content`)).status).toBe(404);
    // The right site but the wrong lead id in the path.
    const leadB2 = await createLead(b);
    expect((await client(b).get(`/api/ops/leads/${leadB2}/files/${file.id}/content`)).status).toBe(404);
    expect(leadA).toBeTruthy();
  });
});
