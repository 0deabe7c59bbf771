// The alignment tree: company -> team -> individual, collapsible (disclosure buttons with
// aria-expanded), each node with its score bar coloured by band, kind, owner and
// alignment coverage; orphans in a list of their own. A redraw with the same shape only
// moves the bars, so live updates animate and keep focus. The API gives only the
// objectives the viewer may see, and counts only those.

import { $, clear, fmt, h, scoreBar, updateScoreBar } from "./dom.js";

const LEVELS = { COMPANY: "Company", TEAM: "Team", INDIVIDUAL: "Individual" };
/** The words for a viewer who may not see every objective (not an admin). */
export const ONLY_VISIBLE = "private objectives you may not see are neither shown nor counted";
const PLACEMENT_NOTES = {
  PARENT_OUTSIDE_VIEW: "aligned outside this view",
  EXTERNAL_PARENT: "aligned to another cycle",
};

export class TreeView {
  constructor({ onOpen }) {
    this.onOpen = onOpen;
    this.expanded = new Set();
    this.shape = null;
    this.byId = new Map();
  }

  render(tree, { coverageByTeam, seesAll }) {
    this.byId = new Map(tree.nodes.map((node) => [node.id, node]));
    this.coverageByTeam = coverageByTeam;
    this.descendants = countDescendants(tree, this.byId);
    const shape = tree.nodes.map((n) => `${n.id}:${n.childIds.join(",")}`).join("|")
      + `#${tree.orphanIds.join(",")}`;
    this.renderSummary(tree, seesAll);
    if (shape === this.shape) {
      this.moveBars(tree);
      return;
    }
    this.shape = shape;
    const focused = document.activeElement?.closest?.("[data-id]");
    const focusedId = focused?.dataset.id;
    const focusedRole = document.activeElement?.dataset?.role;
    const orphans = new Set(tree.orphanIds);
    const roots = tree.rootIds.filter((id) => !orphans.has(id) && this.byId.has(id));
    clear($("tree")).append(...roots.map((id) => this.node(id)));
    if (!roots.length) $("tree").append(h("li", { class: "empty" }, "No objectives in this cycle yet."));
    const orphanRoots = tree.orphanIds.filter((id) => this.byId.has(id));
    clear($("orphans")).append(...orphanRoots.map((id) => this.node(id)));
    if (!orphanRoots.length) {
      $("orphans").append(h("li", { class: "empty" }, "None: every team and individual objective is aligned."));
    }
    if (focusedId && focusedRole) {
      const again = document.querySelector(
        `[data-id="${CSS.escape(focusedId)}"] [data-role="${focusedRole}"]`);
      again?.focus();
    }
  }

  renderSummary(tree, seesAll) {
    const roots = tree.nodes.filter((n) => n.depth === 0 && n.placement === "COMPANY_ROOT").length;
    const { total, aligned, share } = tree.coverage;
    const parts = [
      `${roots} company objective${roots === 1 ? "" : "s"}`,
      `${aligned} of ${total} team and individual objectives aligned (${fmt.pct(share)})`,
    ];
    if (!seesAll) parts.push(ONLY_VISIBLE);
    $("tree-summary").textContent = parts.join(" · ");
  }

  node(id) {
    const node = this.byId.get(id);
    const objective = node.objective;
    const kids = node.childIds.filter((child) => this.byId.has(child));
    const open = this.expanded.has(id);
    const title = objective.title;
    const listId = `children-${id}`;
    const toggle = kids.length
      ? h("button", {
        type: "button",
        class: "toggle",
        "aria-expanded": String(open),
        "aria-controls": listId,
        "aria-label": `${kids.length} aligned under ${title}`,
        dataset: { role: "toggle" },
        onclick: () => this.toggle(id),
      }, h("span", { "aria-hidden": "true", class: "chevron" }))
      : h("span", { class: "toggle-space", "aria-hidden": "true" });
    const name = h("button", { type: "button", class: "title", dataset: { role: "open" },
      onclick: () => this.onOpen(id) }, title);
    const bar = scoreBar(objective.gradedScore, objective.band, { label: title });
    const row = h("div", { class: "row" }, toggle,
      h("div", { class: "main" }, name, this.meta(node, kids.length)), bar);
    const children = kids.length
      ? h("ul", { class: "children", id: listId, hidden: !open }, kids.map((child) => this.node(child)))
      : null;
    return h("li", {
      class: "node",
      dataset: { id, level: objective.level, band: objective.band || "" },
    }, row, children);
  }

  meta(node, kidCount) {
    const objective = node.objective;
    const owner = objective.ownerPerson?.name || objective.ownerTeam?.name || "";
    const items = [
      h("span", { class: `badge level-${objective.level}` }, LEVELS[objective.level]),
      h("span", { class: `badge kind-${objective.kind}` }, fmt.words(objective.kind)),
      owner ? h("span", { class: "owner" }, owner) : null,
    ];
    const teamCoverage = objective.level === "TEAM" && objective.ownerTeam
      ? this.coverageByTeam.get(objective.ownerTeam.id) : null;
    const below = this.descendants.get(node.id) || 0;
    const coverage = [];
    if (kidCount) coverage.push(`${below} aligned below`);
    if (teamCoverage) coverage.push(`team coverage ${fmt.pct(teamCoverage.share)}`);
    if (node.placement === "ORPHAN") coverage.push("not aligned");
    if (PLACEMENT_NOTES[node.placement]) coverage.push(PLACEMENT_NOTES[node.placement]);
    if (coverage.length) items.push(h("span", { class: "coverage" }, coverage.join(", ")));
    return h("div", { class: "meta" }, items);
  }

  toggle(id) {
    const open = !this.expanded.has(id);
    if (open) this.expanded.add(id);
    else this.expanded.delete(id);
    const item = document.querySelector(`li[data-id="${CSS.escape(id)}"]`);
    const button = item?.querySelector(":scope > .row > .toggle");
    const list = item?.querySelector(":scope > .children");
    if (button) button.setAttribute("aria-expanded", String(open));
    if (list) list.hidden = !open;
  }

  setAll(open) {
    this.expanded = open
      ? new Set([...this.byId.values()].filter((n) => n.childIds.length).map((n) => n.id))
      : new Set();
    for (const button of document.querySelectorAll(".tree .toggle")) {
      button.setAttribute("aria-expanded", String(open));
    }
    for (const list of document.querySelectorAll(".tree .children")) list.hidden = !open;
  }

  moveBars(tree) {
    for (const node of tree.nodes) {
      const item = document.querySelector(`li[data-id="${CSS.escape(node.id)}"]`);
      if (!item) continue;
      const objective = node.objective;
      const bar = item.querySelector(":scope > .row > .scorebar");
      if (bar) updateScoreBar(bar, objective.gradedScore, objective.band);
      item.dataset.band = objective.band || "";
      const name = item.querySelector(":scope > .row > .main > .title");
      if (name) name.textContent = objective.title;
      const meta = item.querySelector(":scope > .row > .main > .meta");
      if (meta) meta.replaceWith(this.meta(node, node.childIds.filter((c) => this.byId.has(c)).length));
    }
  }
}

function countDescendants(tree, byId) {
  const counts = new Map();
  const visit = (id) => {
    if (counts.has(id)) return counts.get(id);
    counts.set(id, 0);
    let total = 0;
    for (const child of byId.get(id)?.childIds || []) {
      if (byId.has(child)) total += 1 + visit(child);
    }
    counts.set(id, total);
    return total;
  };
  for (const node of tree.nodes) visit(node.id);
  return counts;
}
