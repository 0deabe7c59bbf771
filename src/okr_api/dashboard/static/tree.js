// The alignment tree: company -> team -> individual, collapsible (disclosure buttons with
// aria-expanded), each node with its score bar coloured by band, kind, owner and
// alignment coverage; orphans in a paged list of their own. The tree loads level by
// level: the first view holds the roots and one level below them, and each node's
// children are asked for when it is first expanded ("Expand all" loads the whole tree).
// A redraw with the same shape only moves the bars, so live updates animate and keep
// focus. The API gives only the objectives the viewer may see, and counts only those.

import { $, clear, fmt, h, pagedList, scoreBar, updateScoreBar } from "./dom.js";
import { t, te } from "./i18n.js";

const ORPHAN_PAGE = 25;

/** Are a node's children known (not cut by the depth limit of the view it came in)? */
const childrenKnown = (node) => node.childIds.length > 0 || !node.moreChildren;

export class TreeView {
  /** loadChildren(id): the node and its children ({nodes}); loadAll(): the whole tree. */
  constructor({ onOpen, loadChildren, loadAll }) {
    this.onOpen = onOpen;
    this.loadChildren = loadChildren;
    this.loadAll = loadAll;
    this.expanded = new Set();
    this.shape = null;
    this.byId = new Map();
    this.complete = false;
    this.first = null;
  }

  /** Forget what was loaded (another cycle). */
  reset() {
    this.byId = new Map();
    this.expanded = new Set();
    this.complete = false;
    this.shape = null;
  }

  /** The expanded nodes whose children came from a view of their own (for a refresh). */
  loadedBelow() {
    if (this.complete) return [];
    const shallow = new Set((this.first?.nodes || []).filter((n) => n.depth === 0).map((n) => n.id));
    return [...this.expanded].filter((id) => !shallow.has(id) && this.byId.has(id));
  }

  /** Take nodes into what is known; keeps children already loaded when a shallower
   *  view cut them, and a node's place from the view that first drew it. */
  merge(nodes) {
    for (const node of nodes) {
      const known = this.byId.get(node.id);
      if (!known) {
        this.byId.set(node.id, node);
        continue;
      }
      const merged = { ...node, placement: known.placement, parentId: known.parentId, depth: known.depth };
      if (!childrenKnown(node) && childrenKnown(known)) {
        merged.childIds = known.childIds;
        merged.moreChildren = known.moreChildren;
      }
      this.byId.set(node.id, merged);
    }
  }

  /** first: the first view's tree; below: nodes loaded under expanded nodes since. */
  render(first, { coverageByTeam, seesAll, below = [], complete = false }) {
    this.first = first;
    this.coverageByTeam = coverageByTeam;
    this.seesAll = seesAll;
    if (complete) {
      this.byId = new Map();
      this.complete = true;
    }
    this.merge(first.nodes);
    this.merge(below);
    this.renderSummary(first, seesAll);
    const shape = [...this.byId.values()].map((n) => `${n.id}:${n.childIds.join(",")}:${n.moreChildren}`)
      .join("|") + `#${first.orphanIds.join(",")}`;
    if (shape === this.shape) {
      this.moveBars();
      return;
    }
    this.shape = shape;
    const focused = document.activeElement?.closest?.("[data-id]");
    const focusedId = focused?.dataset.id;
    const focusedRole = document.activeElement?.dataset?.role;
    const orphans = new Set(first.orphanIds);
    const roots = first.rootIds.filter((id) => !orphans.has(id) && this.byId.has(id));
    clear($("tree")).append(...roots.map((id) => this.node(id)));
    if (!roots.length) $("tree").append(h("li", { class: "empty" }, t("tree.empty")));
    const orphanRoots = first.orphanIds.filter((id) => this.byId.has(id));
    const orphanList = clear($("orphans"));
    $("orphans-more")?.remove();
    if (orphanRoots.length) {
      const more = pagedList(orphanList, orphanRoots, (id) => this.node(id),
        { page: ORPHAN_PAGE, more: "list.more" });
      more.id = "orphans-more";
      orphanList.after(more);
    } else {
      orphanList.append(h("li", { class: "empty" }, t("tree.noOrphans")));
    }
    $("orphans-title").textContent = orphanRoots.length
      ? t("tree.orphansCount", { count: orphanRoots.length }) : t("tree.orphans");
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
      t("tree.companyCount", { count: roots }),
      t("tree.coverage", { aligned, total, share: fmt.pct(share) }),
    ];
    if (!seesAll) parts.push(t("visibility.tree"));
    $("tree-summary").textContent = parts.join(" · ");
  }

  kids(node) {
    return node.childIds.filter((child) => this.byId.has(child));
  }

  node(id) {
    const node = this.byId.get(id);
    const objective = node.objective;
    const kids = this.kids(node);
    const hasKids = kids.length > 0 || node.moreChildren;
    const open = this.expanded.has(id) && childrenKnown(node);
    const title = objective.title;
    const listId = `children-${id}`;
    const toggle = hasKids
      ? h("button", {
        type: "button",
        class: "toggle",
        "aria-expanded": String(open),
        "aria-controls": listId,
        "aria-label": childrenKnown(node) ? t("tree.alignedUnder", { count: kids.length, title })
          : t("tree.showAligned", { title }),
        dataset: { role: "toggle" },
        onclick: () => this.toggle(id),
      }, h("span", { "aria-hidden": "true", class: "chevron" }))
      : h("span", { class: "toggle-space", "aria-hidden": "true" });
    const name = h("button", { type: "button", class: "title", dataset: { role: "open" },
      onclick: () => this.onOpen(id) }, title);
    const bar = scoreBar(objective.gradedScore, objective.band, { label: title });
    const row = h("div", { class: "row" }, toggle,
      h("div", { class: "main" }, name, this.meta(node, kids.length)), bar);
    const children = hasKids ? h("ul", { class: "children", id: listId, hidden: !open }) : null;
    if (open) children.append(...kids.map((child) => this.node(child)));
    return h("li", {
      class: "node",
      dataset: { id, level: objective.level, band: objective.band || "" },
    }, row, children);
  }

  meta(node, kidCount) {
    const objective = node.objective;
    const owner = objective.ownerPerson?.name || objective.ownerTeam?.name || "";
    const items = [
      h("span", { class: `badge level-${objective.level}` }, te("level", objective.level)),
      h("span", { class: `badge kind-${objective.kind}` }, te("kind", objective.kind)),
      owner ? h("span", { class: "owner" }, owner) : null,
    ];
    const teamCoverage = objective.level === "TEAM" && objective.ownerTeam
      ? this.coverageByTeam.get(objective.ownerTeam.id) : null;
    const coverage = [];
    if (kidCount) coverage.push(t("tree.alignedBelow", { count: kidCount }));
    if (teamCoverage) coverage.push(t("tree.teamCoverage", { share: fmt.pct(teamCoverage.share) }));
    if (node.placement === "ORPHAN") coverage.push(t("tree.notAligned"));
    if (node.placement === "PARENT_OUTSIDE_VIEW") coverage.push(t("tree.outsideView"));
    if (node.placement === "EXTERNAL_PARENT") coverage.push(t("tree.otherCycle"));
    if (coverage.length) items.push(h("span", { class: "coverage" }, coverage.join(", ")));
    return h("div", { class: "meta" }, items);
  }

  item(id) {
    return document.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  }

  async toggle(id) {
    const open = !this.expanded.has(id);
    const item = this.item(id);
    const button = item?.querySelector(":scope > .row > .toggle");
    if (open) this.expanded.add(id);
    else this.expanded.delete(id);
    if (open && !childrenKnown(this.byId.get(id))) {
      button?.setAttribute("aria-busy", "true");
      try {
        this.merge(await this.loadChildren(id));
      } finally {
        button?.removeAttribute("aria-busy");
      }
      if (!this.expanded.has(id)) return;
      const fresh = this.node(id);
      item?.replaceWith(fresh);
      fresh.querySelector(":scope > .row > .toggle")?.focus();
      return;
    }
    const list = item?.querySelector(":scope > .children");
    if (open && list && !list.children.length) {
      list.append(...this.kids(this.byId.get(id)).map((child) => this.node(child)));
    }
    if (button) button.setAttribute("aria-expanded", String(open));
    if (list) list.hidden = !open;
  }

  /** Expand everything (loading the whole tree first), or collapse everything. */
  async setAll(open) {
    if (!open) {
      this.expanded = new Set();
      for (const button of document.querySelectorAll(".tree .toggle")) {
        button.setAttribute("aria-expanded", "false");
      }
      for (const list of document.querySelectorAll(".tree .children")) list.hidden = true;
      return;
    }
    if (!this.complete) {
      const full = await this.loadAll();
      this.byId = new Map();
      this.complete = true;
      this.first = full;
      this.merge(full.nodes);
    }
    this.expanded = new Set([...this.byId.values()].filter((n) => n.childIds.length).map((n) => n.id));
    this.shape = null;
    this.render(this.first, { coverageByTeam: this.coverageByTeam, seesAll: this.seesAll });
  }

  moveBars() {
    for (const node of this.byId.values()) {
      const item = this.item(node.id);
      if (!item) continue;
      const objective = node.objective;
      const bar = item.querySelector(":scope > .row > .scorebar");
      if (bar) updateScoreBar(bar, objective.gradedScore, objective.band);
      item.dataset.band = objective.band || "";
      const name = item.querySelector(":scope > .row > .main > .title");
      if (name) name.textContent = objective.title;
      const meta = item.querySelector(":scope > .row > .main > .meta");
      if (meta) meta.replaceWith(this.meta(node, this.kids(node).length));
    }
  }

  /** Redraw in another language: same nodes, new words. */
  redraw() {
    if (!this.first) return;
    this.shape = null;
    this.render(this.first, { coverageByTeam: this.coverageByTeam, seesAll: this.seesAll });
  }
}
