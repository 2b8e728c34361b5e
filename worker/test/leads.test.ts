import { describe, expect, it } from "vitest";
import { client, createLead, createSite, json } from "./helpers";

describe("lead list", () => {
  it("returns camelCase leads with unit rent, property and unit names", async () => {
    const site = await createSite({ rent: 1750 });
    const id = await createLead(site, { monthly_income: 6100 });
    const body = await json(await client(site).get("/api/ops/leads"));
    expect(body.success).toBe(true);
    expect(body.next_cursor).toBeNull();
    const lead = body.data.find((l: any) => l.id === id);
    expect(lead).toMatchObject({
      id, propertyId: site.propertyId, unitId: site.unitId, firstName: "Ada", lastName: "Lovelace",
      monthlyIncome: 6100, monthlyRent: 1750, employer: "Maple Logistics Inc.", employmentStartDate: "2023-01-15",
      propertyName: "Maple Court", unitName: "Unit 101", isActive: true, isUnitOccupied: false, status: "new",
      aiScore: null, aiLabel: null,
    });
    const one = await json(await client(site).get(`/api/ops/leads/${id}`));
    expect(one.data.monthlyRent).toBe(1750);
  });

  it("excludes archived leads and filters by status, label, property and q", async () => {
    const site = await createSite();
    const a = await createLead(site, { first_name: "Grace", last_name: "Hopper", status: "ai_evaluated", ai_score: 85, ai_label: "A" });
    const b = await createLead(site, { first_name: "Alan", last_name: "Turing", email: "alan@bletchley.example", ai_score: 60, ai_label: "B" });
    await createLead(site, { first_name: "Old", is_active: 0 });
    const c = client(site);
    const ids = async (q: string) => (await json(await c.get(`/api/ops/leads${q}`))).data.map((l: any) => l.id);
    expect((await ids("")).sort()).toEqual([a, b].sort());
    expect(await ids("?status=ai_evaluated")).toEqual([a]);
    expect(await ids("?label=B")).toEqual([b]);
    expect(await ids("?q=hopp")).toEqual([a]);
    expect(await ids("?q=BLETCHLEY")).toEqual([b]);
    expect(await ids("?q=%25")).toEqual([]); // LIKE wildcards are literal
    expect((await ids(`?propertyId=${site.propertyId}`)).length).toBe(2);
    expect(await ids("?propertyId=nope")).toEqual([]);
  });

  it("sorts by aiScore (nulls last when descending), name, createdAt", async () => {
    const site = await createSite();
    const low = await createLead(site, { last_name: "Zed", ai_score: 20, created_at: "2026-01-01T00:00:00.000Z" });
    const none = await createLead(site, { last_name: "Able", ai_score: null, created_at: "2026-03-01T00:00:00.000Z" });
    const high = await createLead(site, { last_name: "Moss", ai_score: 90, created_at: "2026-02-01T00:00:00.000Z" });
    const c = client(site);
    const ids = async (q: string) => (await json(await c.get(`/api/ops/leads${q}`))).data.map((l: any) => l.id);
    expect(await ids("?sortBy=aiScore&sortOrder=desc")).toEqual([high, low, none]);
    expect(await ids("?sortBy=aiScore&sortOrder=asc")).toEqual([none, low, high]);
    expect(await ids("?sortBy=name&sortOrder=asc")).toEqual([none, high, low]);
    expect(await ids("?sortBy=createdAt&sortOrder=desc")).toEqual([none, high, low]);
  });

  it("pages with next_cursor through every lead exactly once", async () => {
    const site = await createSite();
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push(await createLead(site, { ai_score: i % 3 === 0 ? null : 50 + (i % 2) }));
    const c = client(site);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `?limit=3&sortBy=aiScore${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const body: any = await json(await c.get(`/api/ops/leads${q}`));
      expect(body.data.length).toBeLessThanOrEqual(3);
      seen.push(...body.data.map((l: any) => l.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(made.sort());
  });

  it.each([
    ["sortBy=ai_score; DROP TABLE leads", /Invalid sortBy/],
    ["sortOrder=sideways", /Invalid sortOrder/],
    ["status=weird", /Invalid status/],
    ["label=Z", /Invalid label/],
    ["limit=0", /Invalid limit/],
    ["limit=501", /Invalid limit/],
    ["limit=ten", /Invalid limit/],
    ["cursor=garbage!!", /Invalid cursor/],
  ])("refuses %s with a clear 400", async (query, message) => {
    const site = await createSite();
    const res = await client(site).get(`/api/ops/leads?${query}`);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error).toBe("Bad request");
    expect(body.message).toMatch(message);
    expect(JSON.stringify(body)).not.toMatch(/SQLITE|syntax/i);
  });

  it("refuses a cursor from another sort order", async () => {
    const site = await createSite();
    for (let i = 0; i < 3; i++) await createLead(site);
    const c = client(site);
    const first = await json(await c.get("/api/ops/leads?limit=1&sortBy=name"));
    const res = await c.get(`/api/ops/leads?limit=1&sortBy=createdAt&cursor=${first.next_cursor}`);
    expect(res.status).toBe(400);
  });

  it("answers 404 for an unknown lead", async () => {
    const site = await createSite();
    const res = await client(site).get("/api/ops/leads/lead_nope");
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: "Not found", message: "Lead not found" });
  });
});
