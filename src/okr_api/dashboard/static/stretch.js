// The stretch picture of a scope: histogram with the sweet spot, band shares, committed
// hit rate, pace, and the "too safe" and LOW lists (paged: a few at a time, more on ask).
// The lists read every objective of the cycle (a light list, loaded after the first view);
// until it is there they say they are loading.

import { bandShares, histogram } from "./charts.js";
import { $, clear, fmt, h, pagedList, scoreBar } from "./dom.js";
import { t, te } from "./i18n.js";

const LIST_PAGE = 8;

/** Does a tree node belong to the scope ({teamIds:Set} or {personId} or null)? */
export function inScope(node, scope) {
  const objective = node.objective;
  if (!objective) return false;
  if (!scope) return true;
  if (scope.personId) return objective.ownerPerson?.id === scope.personId;
  const team = objective.ownerTeam?.id || objective.ownerPerson?.team?.id;
  return scope.teamIds.has(team);
}

/** nodes: every node of the cycle (light), or null while they load. */
export function renderStretch(analysis, nodes, { edges, scope, names, onOpen, seesAll }) {
  const all = nodes || [];
  const aspirational = all.filter((node) => inScope(node, scope)
    && node.objective.kind === "ASPIRATIONAL");
  const byId = new Map(all.map((node) => [node.id, node]));
  const target = clear($("stretch"));
  const parts = [
    h("div", { class: "figure" }, histogram(analysis, edges)),
    bandShares(analysis.bands),
    facts(analysis),
    h("div", { class: "lists" },
      objectiveList("too-safe", `${t("stretch.tooSafe", { edge: edges.tooSafe })}`,
        aspirational.filter((n) => n.objective.band === "TOO_SAFE")
          .sort((a, b) => b.objective.gradedScore - a.objective.gradedScore),
        t("stretch.tooSafeNone"), onOpen, nodes === null),
      objectiveList("low", t("stretch.low", { edge: edges.low }),
        aspirational.filter((n) => n.objective.band === "LOW")
          .sort((a, b) => a.objective.gradedScore - b.objective.gradedScore),
        t("stretch.lowNone"), onOpen, nodes === null)),
    behindPace(analysis, byId, onOpen),
    flagged(analysis, names),
  ];
  if (!seesAll) {
    parts.push(h("p", { class: "help", id: "stretch-visibility" }, t("visibility.figures")));
  }
  target.append(...parts.filter(Boolean));
}

function facts(analysis) {
  const pace = analysis.pace;
  const rows = [
    [t("stretch.aspirationalCount"), String(analysis.aspirationalCount)],
    [t("stretch.mean"), t("stretch.meanValue", { mean: fmt.score(analysis.mean), median: fmt.score(analysis.median) })],
    [t("stretch.distance"), analysis.distanceFromTarget === null ? "–"
      : `${analysis.distanceFromTarget > 0 ? "+" : ""}${fmt.score(analysis.distanceFromTarget)}`],
    [t("stretch.hitRate"), t(analysis.finalGrades ? "stretch.hitRateFinal" : "stretch.hitRateSoFar", {
      rate: fmt.pct(analysis.committedHitRate), met: analysis.committedMet, count: analysis.committedCount })],
  ];
  if (pace) {
    rows.push(
      [t("stretch.elapsed"), fmt.pct(pace.elapsedFraction)],
      [t("stretch.paceAspirational"), t("stretch.paceValue", { mean: fmt.score(pace.aspirationalMean), expected: fmt.score(pace.aspirationalExpected) })],
      [t("stretch.paceCommitted"), t("stretch.paceValue", { mean: fmt.score(pace.committedMean), expected: fmt.score(pace.committedExpected) })],
    );
  }
  return h("dl", { class: "facts", id: "stretch-facts" },
    rows.map(([term, value]) => h("div", { class: "fact" }, h("dt", {}, term), h("dd", {}, value))));
}

function objectiveItem(node, onOpen) {
  return h("li", { dataset: { id: node.id } },
    h("div", { class: "item-text" },
      h("button", { type: "button", class: "link", onclick: () => onOpen(node.id) }, node.objective.title),
      h("div", { class: "owner" }, node.objective.ownerPerson?.name || node.objective.ownerTeam?.name || "")),
    scoreBar(node.objective.gradedScore, node.objective.band, { label: node.objective.title }));
}

function objectiveList(key, title, nodes, empty, onOpen, loading) {
  let body;
  let more = null;
  if (loading) {
    body = h("p", { class: "help" }, t("common.loading"));
  } else if (!nodes.length) {
    body = h("p", { class: "help" }, empty);
  } else {
    body = h("ul", { class: "plain objectives" });
    more = pagedList(body, nodes, (node) => objectiveItem(node, onOpen), { page: LIST_PAGE });
  }
  return h("section", { class: `list list-${key}`, id: `list-${key}`, "aria-labelledby": `list-${key}-title` },
    h("h3", { id: `list-${key}-title` }, loading ? title : `${title}: ${nodes.length}`), body, more);
}

function behindPace(analysis, byId, onOpen) {
  const behind = analysis.pace?.behind || [];
  if (!behind.length) return null;
  const shown = behind.filter((b) => byId.get(b.objectiveId)?.objective).slice(0, 5);
  return h("section", { class: "list", "aria-labelledby": "behind-title" },
    h("h3", { id: "behind-title" }, t("stretch.behind", { count: behind.length })),
    h("ul", { class: "plain objectives" }, shown.map((b) => h("li", { dataset: { id: b.objectiveId } },
      h("div", { class: "item-text" },
        h("button", { type: "button", class: "link", onclick: () => onOpen(b.objectiveId) },
          byId.get(b.objectiveId).objective.title),
        h("div", { class: "owner" }, t("stretch.behindItem", {
          kind: te("kind", b.kind), score: fmt.score(b.score), expected: fmt.score(b.expected) })))))));
}

function flagged(analysis, names) {
  const owners = analysis.trends.filter((trend) => trend.flags.length);
  if (!owners.length) return null;
  return h("section", { class: "list", "aria-labelledby": "flagged-title" },
    h("h3", { id: "flagged-title" }, t("stretch.flagged")),
    h("ul", { class: "plain" }, owners.map((trend) => h("li", {},
      `${names.get(trend.ownerId) || te("ownerKind", trend.ownerKind)}: `
      + trend.flags.map((flag) => te("trendFlag", flag)).join(", ")))));
}
