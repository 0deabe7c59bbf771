// SVG charts: the score histogram with the sweet-spot band, band shares as one stacked
// bar, and a key result's check-in history as a small line chart.

import { bandName, bandOf, fmt, h, s } from "./dom.js";
import { t } from "./i18n.js";

let chartIds = 0;
const nextId = (prefix) => `${prefix}-${(chartIds += 1)}`;

/** The distribution of aspirational scores, the sweet spot drawn in behind the bars. */
export function histogram(analysis, edges) {
  const width = 360;
  const height = 218;
  const left = 14;
  const right = 14;
  const top = 28;
  const bottom = 52;
  const plot = { w: width - left - right, h: height - top - bottom };
  const x = (v) => left + v * plot.w;
  const buckets = analysis.histogram;
  const most = Math.max(1, ...buckets.map((b) => b.count));
  const y = (count) => top + (1 - count / most) * plot.h;
  const titleId = nextId("histogram-title");
  const descId = nextId("histogram-desc");
  const described = buckets.map((b) => t("chart.bucketRange", { from: fmt.score(b.lower), to: fmt.score(b.upper), count: b.count }))
    .join("; ");

  const sweet = s("g", { class: "sweet-spot" },
    s("rect", { x: x(edges.sweetFrom), y: top - 12, width: x(edges.sweetTo) - x(edges.sweetFrom),
      height: plot.h + 12, class: "sweet" }),
    s("text", { x: (x(edges.sweetFrom) + x(edges.sweetTo)) / 2, y: top - 16, class: "sweet-label",
      "text-anchor": "middle" }, t("chart.sweetSpot")));
  const bars = buckets.map((bucket) => {
    const band = bandOf((bucket.lower + bucket.upper) / 2, edges);
    const x0 = x(bucket.lower) + 1.5;
    const barWidth = Math.max(1, x(bucket.upper) - x(bucket.lower) - 3);
    return s("g", { class: "bucket", dataset: { count: String(bucket.count) } },
      s("rect", { x: x0, y: y(bucket.count), width: barWidth, height: top + plot.h - y(bucket.count),
        class: `bar band-${band}` },
      s("title", {}, t("chart.bucketTitle", { from: fmt.score(bucket.lower), to: fmt.score(bucket.upper), count: bucket.count }))),
      bucket.count ? s("text", { x: x0 + barWidth / 2, y: y(bucket.count) - 3, class: "count",
        "text-anchor": "middle" }, String(bucket.count)) : null);
  });
  const ticks = [0, edges.low, edges.sweetFrom, edges.sweetTo, edges.tooSafe, 1];
  const axis = s("g", { class: "axis" },
    s("line", { x1: left, x2: left + plot.w, y1: top + plot.h, y2: top + plot.h }),
    ticks.map((t) => s("g", {},
      s("line", { x1: x(t), x2: x(t), y1: top + plot.h, y2: top + plot.h + 4 }),
      s("text", { x: x(t), y: top + plot.h + 15, "text-anchor": "middle" }, String(t)))),
    s("text", { x: left + plot.w / 2, y: height - 3, "text-anchor": "middle", class: "axis-title" },
      t("chart.axis")));
  const meanX = analysis.mean === null || analysis.mean === undefined ? null : x(analysis.mean);
  const mean = meanX === null ? null
    : s("g", { class: "mean" },
      s("line", { x1: meanX, x2: meanX, y1: top, y2: top + plot.h }),
      s("path", { d: `M${meanX},${top + plot.h + 18} l-4,7 h8 z` }),
      s("text", { x: Math.min(Math.max(meanX, left + 24), left + plot.w - 24), y: top + plot.h + 35,
        "text-anchor": "middle" }, t("chart.mean", { mean: fmt.score(analysis.mean) })));
  return s("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "histogram", role: "img",
    "aria-labelledby": `${titleId} ${descId}`,
    dataset: { counts: buckets.map((b) => b.count).join(",") },
  },
  s("title", { id: titleId }, t("chart.histogramTitle", { count: analysis.aspirationalCount })),
  s("desc", { id: descId }, t("chart.histogramDesc", { buckets: described, from: edges.sweetFrom, to: edges.sweetTo })),
  sweet, bars, axis, mean);
}

/** Band shares as one stacked bar and a legend with counts and shares. */
export function bandShares(bands) {
  const stack = h("div", { class: "stack", "aria-hidden": "true" });
  for (const band of bands) {
    if (!band.count) continue;
    const part = h("span", { class: `band-${band.band}` });
    part.style.flexGrow = String(band.count);
    stack.append(part);
  }
  const legend = h("ul", { class: "legend plain", "aria-label": t("chart.bandShares") },
    bands.map((band) => h("li", { dataset: { band: band.band } },
      h("span", { class: `swatch band-${band.band}`, "aria-hidden": "true" }),
      h("span", { class: "legend-name" }, bandName(band.band)),
      h("span", { class: "legend-value" }, `${band.count} (${fmt.pct(band.share)})`))));
  return h("div", { class: "band-shares" }, stack, legend);
}

/** A key result's check-ins over the cycle, its target as a dashed line. */
export function checkInChart(keyResult, { startsOn, endsOn, asOf }) {
  const points = keyResult.checkIns.edges.map((edge) => edge.node)
    .map((c) => ({ ...c, t: Date.parse(c.appliesAt), v: Number(c.value) }))
    .sort((a, b) => a.t - b.t);
  const start = Number(keyResult.start);
  const target = Number(keyResult.target);
  if (!points.length) return h("p", { class: "help no-check-ins" }, t("chart.noCheckIns"));
  const width = 300;
  const height = 80;
  const pad = { l: 6, r: 6, t: 10, b: 14 };
  const t0 = Date.parse(`${startsOn}T00:00:00Z`);
  const t1 = Math.max(Date.parse(`${endsOn}T23:59:59Z`), points[points.length - 1].t);
  const values = [start, target, ...points.map((p) => p.v)];
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high === low) { high += 1; low -= 1; }
  const x = (t) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v) => pad.t + (1 - (v - low) / (high - low)) * (height - pad.t - pad.b);
  const unit = keyResult.unit ? ` ${keyResult.unit}` : "";
  const last = points[points.length - 1];
  const asOfTime = asOf ? Date.parse(asOf) : null;
  return s("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "check-in-chart", role: "img",
    "aria-label": t("chart.checkIns", { title: keyResult.title, count: points.length,
      latest: `${last.v}${unit}`, target: `${target}${unit}` }),
    dataset: { points: String(points.length) },
  },
  s("line", { class: "target", x1: pad.l, x2: width - pad.r, y1: y(target), y2: y(target) }),
  s("text", { class: "target-label", x: width - pad.r, y: y(target) - 2, "text-anchor": "end" },
    t("chart.target", { target: `${target}${unit}` })),
  s("line", { class: "baseline", x1: pad.l, x2: width - pad.r, y1: height - pad.b, y2: height - pad.b }),
  asOfTime ? s("line", { class: "as-of", x1: x(asOfTime), x2: x(asOfTime), y1: pad.t, y2: height - pad.b }) : null,
  s("polyline", { class: "line", points: points.map((p) => `${x(p.t)},${y(p.v)}`).join(" ") }),
  points.map((p) => s("circle", {
    class: `point${asOfTime && p.t > asOfTime ? " later" : ""}`, cx: x(p.t), cy: y(p.v), r: 3,
  }, s("title", {}, `${fmt.date(p.appliesAt)}: ${p.v}${unit}`
    + `${p.confidence === null ? "" : t("chart.confidence", { confidence: p.confidence })}${p.note ? ` — ${p.note}` : ""}`))),
  s("text", { class: "date-label", x: pad.l, y: height - 2 }, fmt.date(startsOn)),
  s("text", { class: "date-label", x: width - pad.r, y: height - 2, "text-anchor": "end" }, fmt.date(endsOn)));
}

/** A report's mean confidence per week (0-10) as a small line chart. */
export function confidenceChart(points) {
  if (!points.length) return h("p", { class: "help no-trend" }, t("chart.noTrend"));
  const width = 300;
  const height = 70;
  const pad = { l: 6, r: 6, t: 8, b: 14 };
  const times = points.map((p) => Date.parse(p.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(t0 + 1, ...times);
  const x = (time) => pad.l + ((time - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v) => pad.t + (1 - v / 10) * (height - pad.t - pad.b);
  const last = points[points.length - 1];
  return s("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "confidence-chart", role: "img",
    "aria-label": t("chart.trend", { count: points.length, latest: Number(last.confidence).toFixed(1) }),
    dataset: { points: String(points.length) },
  },
  s("line", { class: "baseline", x1: pad.l, x2: width - pad.r, y1: y(0), y2: y(0) }),
  s("polyline", { class: "line", points: points.map((p, i) => `${x(times[i])},${y(p.confidence)}`).join(" ") }),
  points.map((p, i) => s("circle", { class: "point", cx: x(times[i]), cy: y(p.confidence), r: 3 },
    s("title", {}, `${fmt.date(p.at)}: ${Number(p.confidence).toFixed(1)}/10`))),
  s("text", { class: "date-label", x: pad.l, y: height - 2 }, fmt.date(points[0].at)),
  s("text", { class: "date-label", x: width - pad.r, y: height - 2, "text-anchor": "end" }, fmt.date(last.at)));
}
