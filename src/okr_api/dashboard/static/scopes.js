// The cycle and scope pickers: the cycles newest first (the current one chosen, "today"
// being the organization's day), the teams as a tree, and the chosen scope for the API
// and for the lists.

import { $, clear, h } from "./dom.js";
import { t, te, zoneDay } from "./i18n.js";

export function fillCycles(cycles) {
  const chosen = $("cycle-select").value;
  const today = zoneDay(Date.now());
  const sorted = [...cycles].sort((a, b) => b.startsOn.localeCompare(a.startsOn));
  const current = sorted.find((c) => c.key === chosen)
    || sorted.find((c) => c.status === "ACTIVE" && c.startsOn <= today && today <= c.endsOn)
    || sorted.find((c) => c.status === "ACTIVE") || sorted[0];
  clear($("cycle-select")).append(...sorted.map((c) => h("option", {
    value: c.key, selected: c.key === current.key,
  }, `${c.name} (${te("cycleStatus", c.status)})`)));
}

export function fillScopes(teams, person) {
  const chosen = $("scope-select").value;
  const children = new Map();
  for (const team of teams) {
    const parent = team.parent?.id || "";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(team);
  }
  const options = [h("option", { value: "" }, t("stretch.whole"))];
  const walk = (parent, depth) => {
    for (const team of (children.get(parent) || []).sort((a, b) => a.name.localeCompare(b.name))) {
      if (team.kind !== "COMPANY") {
        options.push(h("option", { value: `team:${team.id}` }, `${"— ".repeat(depth)}${team.name}`));
      }
      walk(team.id, team.kind === "COMPANY" ? depth : depth + 1);
    }
  };
  walk("", 0);
  if (person) options.push(h("option", { value: `person:${person.id}` }, t("stretch.mine", { name: person.name })));
  clear($("scope-select")).append(...options);
  $("scope-select").value = chosen;
  if ($("scope-select").selectedIndex < 0) $("scope-select").selectedIndex = 0;
}

/** The chosen scope: for the API (ScopeInput) and for the lists (team ids or person). */
export function chosenScope(teams) {
  const value = $("scope-select").value;
  if (value.startsWith("person:")) {
    const personId = value.slice("person:".length);
    return { input: { personId }, local: { personId } };
  }
  if (value.startsWith("team:")) {
    const teamId = value.slice("team:".length);
    const teamIds = new Set([teamId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const team of teams) {
        if (team.parent && teamIds.has(team.parent.id) && !teamIds.has(team.id)) {
          teamIds.add(team.id);
          grew = true;
        }
      }
    }
    return { input: { teamId, includeSubTeams: true }, local: { teamIds } };
  }
  return { input: null, local: null };
}
