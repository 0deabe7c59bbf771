// The stretch picture of a scope: histogram with the sweet spot, band shares, committed
// hit rate, pace, and the "too safe" and LOW lists.

import { bandShares, histogram } from "./charts.js";
import { $, clear, fmt, h, scoreBar } from "./dom.js";
import { ONLY_VISIBLE } from "./tree.js";

const LIST_LIMIT = 8;

/** Does a tree node belong to the scope ({teamIds:Set} or {personId} or null)? */
export function inScope(node, scope) {
  const objective = node.objective;
  if (!objective) return false;
  if (!scope) return true;
  if (scope.personId) return objective.ownerPerson?.id === scope.personId;
  const team = objective.ownerTeam?.id || objective.ownerPerson?.team?.id;
  return scope.teamIds.has(team);
}

export function renderStretch(analysis, tree, { edges, scope, names, onOpen, seesAll }) {
  const nodes = tree.nodes.filter((node) => inScope(node, scope)
    && node.objective.kind === "ASPIRATIONAL");
  const byId = new Map(tree.nodes.map((node) => [node.id, node]));
  const target = clear($("stretch"));
  const parts = [
    h("div", { class: "figure" }, histogram(analysis, edges)),
    bandShares(analysis.bands),
    facts(analysis),
    h("div", { class: "lists" },
      objectiveList("too-safe", `Too safe (≥ ${edges.tooSafe})`,
        nodes.filter((n) => n.objective.band === "TOO_SAFE")
          .sort((a, b) => b.objective.gradedScore - a.objective.gradedScore),
        "None: no aspirational objective is at the too-safe end.", onOpen),
      objectiveList("low", `LOW (< ${edges.low})`,
        nodes.filter((n) => n.objective.band === "LOW")
          .sort((a, b) => a.objective.gradedScore - b.objective.gradedScore),
        "None: no aspirational objective is far short.", onOpen)),
    behindPace(analysis, byId, onOpen),
    flagged(analysis, names),
  ];
  if (!seesAll) {
    parts.push(h("p", { class: "help", id: "stretch-visibility" },
      `${ONLY_VISIBLE[0].toUpperCase()}${ONLY_VISIBLE.slice(1)} in these figures.`));
  }
  target.append(...parts.filter(Boolean));
}

function facts(analysis) {
  const pace = analysis.pace;
  const rows = [
    ["Aspirational objectives", String(analysis.aspirationalCount)],
    ["Mean score", `${fmt.score(analysis.mean)} (median ${fmt.score(analysis.median)})`],
    ["Distance from 0.7", analysis.distanceFromTarget === null ? "–"
      : `${analysis.distanceFromTarget > 0 ? "+" : ""}${fmt.score(analysis.distanceFromTarget)}`],
    ["Committed hit rate", `${fmt.pct(analysis.committedHitRate)} (${analysis.committedMet} of `
      + `${analysis.committedCount} met${analysis.finalGrades ? ", final" : " so far"})`],
  ];
  if (pace) {
    rows.push(
      ["Cycle elapsed", fmt.pct(pace.elapsedFraction)],
      ["Pace, aspirational", `${fmt.score(pace.aspirationalMean)} (expected ${fmt.score(pace.aspirationalExpected)})`],
      ["Pace, committed", `${fmt.score(pace.committedMean)} (expected ${fmt.score(pace.committedExpected)})`],
    );
  }
  return h("dl", { class: "facts", id: "stretch-facts" },
    rows.map(([term, value]) => h("div", { class: "fact" }, h("dt", {}, term), h("dd", {}, value))));
}

function objectiveList(key, title, nodes, empty, onOpen) {
  const items = nodes.slice(0, LIST_LIMIT).map((node) => h("li", { dataset: { id: node.id } },
    h("div", {},
      h("button", { type: "button", class: "link", onclick: () => onOpen(node.id) }, node.objective.title),
      h("div", { class: "owner" }, node.objective.ownerPerson?.name || node.objective.ownerTeam?.name || "")),
    scoreBar(node.objective.gradedScore, node.objective.band, { label: node.objective.title })));
  const more = nodes.length > LIST_LIMIT
    ? h("p", { class: "help" }, `and ${nodes.length - LIST_LIMIT} more`) : null;
  return h("section", { class: `list list-${key}`, id: `list-${key}`, "aria-labelledby": `list-${key}-title` },
    h("h3", { id: `list-${key}-title` }, `${title}: ${nodes.length}`),
    items.length ? h("ul", { class: "plain objectives" }, items) : h("p", { class: "help" }, empty),
    more);
}

function behindPace(analysis, byId, onOpen) {
  const behind = analysis.pace?.behind || [];
  if (!behind.length) return null;
  const shown = behind.filter((b) => byId.get(b.objectiveId)?.objective).slice(0, 5);
  return h("section", { class: "list", "aria-labelledby": "behind-title" },
    h("h3", { id: "behind-title" }, `Behind pace: ${behind.length}`),
    h("ul", { class: "plain objectives" }, shown.map((b) => h("li", { dataset: { id: b.objectiveId } },
      h("div", {},
        h("button", { type: "button", class: "link", onclick: () => onOpen(b.objectiveId) },
          byId.get(b.objectiveId).objective.title),
        h("div", { class: "owner" }, `${fmt.words(b.kind)}: ${fmt.score(b.score)}, `
          + `${fmt.score(b.expected)} expected by now`))))));
}

function flagged(analysis, names) {
  const owners = analysis.trends.filter((trend) => trend.flags.length);
  if (!owners.length) return null;
  return h("section", { class: "list", "aria-labelledby": "flagged-title" },
    h("h3", { id: "flagged-title" }, "Flagged across cycles"),
    h("ul", { class: "plain" }, owners.map((trend) => h("li", {},
      `${names.get(trend.ownerId) || fmt.words(trend.ownerKind)}: `
      + trend.flags.map((flag) => (flag === "TOO_SAFE" ? "consistently too safe" : "consistently LOW")).join(", ")))));
}
