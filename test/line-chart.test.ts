import { describe, expect, it } from "vitest";
import { linearTicks, lineChart, monthTicks, niceDomain } from "../dashboards/line-chart.ts";

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe("the account pages' line chart", () => {
  it("places points, ticks and labels where the scales say", () => {
    const svg = lineChart(
      {
        marginLeft: 50,
        y: { label: "Users", tickFormat: (v) => `${v}u` },
        series: [
          {
            color: "#3b6fb6",
            points: [
              { date: day("2024-01-01"), value: 0 },
              { date: day("2024-03-01"), value: 80 },
            ],
            title: (p) => `${p.value} <users>`,
            // Two months apart, joined on purpose here (the default breaks a line after 45 days).
            gapDays: 90,
          },
        ],
      },
      { title: "Users each month", description: "Active users" },
    ).toString();
    // x: 1 Jan → 50 (the left margin), 1 Mar → 980 (1000 − 20); 1 Feb is 31 of 2024's 60 days in: 50 + 31/60 × 930 = 530.5.
    // y: 0…80 in about 4 steps of 20 is already round: 0 → 150 (180 − 30), 80 → 20, each 20 → 32.5 up.
    expect(svg).toContain('d="M50,150L980,20"');
    expect([...svg.matchAll(/<text x="41" y="([\d.]+)" dy="0.32em">([^<]+)</g)].map((m) => [m[1], m[2]])).toEqual([
      ["150", "0u"],
      ["117.5", "20u"],
      ["85", "40u"],
      ["52.5", "60u"],
      ["20", "80u"],
    ]);
    expect([...svg.matchAll(/<path d="M([\d.]+),150v6"/g)].map((m) => m[1])).toEqual(["50", "530.5", "980"]);
    expect(svg).toContain(">Jan 2024<");
    expect(svg).toContain(">Feb<");
    // Tooltips and labels are text, escaped.
    expect(svg).toContain("<title>80 &lt;users&gt;</title>");
    expect(svg).toContain('aria-label="Users each month"');
    expect(svg).not.toContain('class="legend"');
  });

  it("breaks a line at a month without data instead of drawing across it", () => {
    const svg = lineChart(
      {
        y: { domain: [0, 100] },
        series: [
          {
            color: "#000",
            // January, February, then nothing until May: two runs, the second starting with a move.
            points: ["2024-01-31", "2024-02-29", "2024-05-31", "2024-06-30"].map((d) => ({ date: day(d), value: 50 })),
          },
        ],
      },
      { title: "t", description: "d" },
    ).toString();
    const path = /<path aria-label="line" d="([^"]+)"/.exec(svg)?.[1] ?? "";
    expect(path.match(/[ML]/g)).toEqual(["M", "L", "M", "L"]);
  });

  it("rounds the domain to 1, 2 or 5 × a power of ten, and ticks by month, quarter or year", () => {
    // 0…18,000 in about 4 steps: 4,500 → 5,000 (4.5 is nearer 5 than 2), so 0…20,000.
    expect(niceDomain(0, 18_000)).toEqual([0, 20_000]);
    expect(linearTicks(0, 20_000, 4)).toEqual([0, 5_000, 10_000, 15_000, 20_000]);
    expect(linearTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    // A flat series at zero still has a scale; counts tick by whole numbers.
    expect(niceDomain(0, 0)).toEqual([0, 1]);
    expect(linearTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(0, 1, 4, true)).toEqual([0, 1]);
    expect(niceDomain(0, 3, true)).toEqual([0, 3]);
    const labels = (from: string, to: string) => monthTicks(day(from).getTime(), day(to).getTime()).map((t) => t.label);
    expect(labels("2024-11-01", "2025-02-01")).toEqual(["Nov 2024", "Dec", "Jan 2025", "Feb"]);
    // Two years: quarters (January, April, July, October).
    expect(labels("2023-02-01", "2025-01-01")).toEqual(["Apr 2023", "Jul", "Oct", "Jan 2024", "Apr", "Jul", "Oct", "Jan 2025"]);
    expect(labels("2020-06-01", "2025-06-01")).toEqual(["2021", "2022", "2023", "2024", "2025"]);
  });

  it("lists named series in a legend, in the order given", () => {
    const svg = lineChart(
      {
        series: [
          { name: "Adoption", color: "#4269d0", points: [{ date: day("2024-01-01"), value: 1 }] },
          { name: "Sentiment", color: "#efb118", points: [{ date: day("2024-01-01"), value: 2 }] },
          { color: "currentColor", points: [{ date: day("2024-01-01"), value: 3 }] },
        ],
      },
      { title: "t", description: "d" },
    ).toString();
    expect([...svg.matchAll(/<i style="background:([^"]+)"><\/i>([^<]+)</g)].map((m) => [m[1], m[2]])).toEqual([
      ["#4269d0", "Adoption"],
      ["#efb118", "Sentiment"],
    ]);
  });
});
