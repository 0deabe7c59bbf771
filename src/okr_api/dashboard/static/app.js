// The dashboard: sign in, pick a cycle, see its alignment tree and stretch picture, "as
// of" any day (when the server offers it) or live. Built only on the public GraphQL API.

import { ApiError, gql, request, session } from "./api.js";
import { ObjectiveDetail } from "./detail.js";
import { $, announce, clear, fmt, h, showMessage } from "./dom.js";
import { LiveUpdates } from "./live.js";
import { BOOT, PROBE_AS_OF, stretchQuery, treeQuery } from "./queries.js";
import { showSignIn, wireSignIn } from "./signin.js";
import { renderStretch } from "./stretch.js";
import { TimeSlider } from "./timeline.js";
import { TreeView } from "./tree.js";

const LIVE_SETTLE_MS = 200;

const state = {
  boot: null,
  cycle: null,
  asOf: null,
  tree: null,
  stretch: null,
  live: null,
  liveTimer: null,
  livePosition: null,
  names: new Map(),
  generation: 0,
};

const treeView = new TreeView({ onOpen: (id) => openObjective(id) });
const detail = new ObjectiveDetail({ names: state.names });
const slider = new TimeSlider({
  onChange: (asOf) => {
    state.asOf = asOf;
    if (asOf && $("live-toggle").checked) {
      $("live-toggle").checked = false;
      stopLive();
    }
    refresh();
  },
});

function openObjective(id) {
  const node = state.tree?.nodes.find((n) => n.id === id);
  detail.open(id, { cycle: state.cycle, asOf: state.asOf, band: node?.objective?.band });
}

async function enter() {
  let boot;
  try {
    boot = await gql(BOOT);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      await signIn(`That token was refused: ${error.message}`);
    } else {
      showMessage(`The service did not answer: ${error.message}`);
    }
    return;
  }
  state.boot = boot;
  const viewer = boot.viewer;
  for (const team of boot.teams) state.names.set(team.id, team.name);
  for (const { node } of boot.people.edges) state.names.set(node.id, node.name);
  if (viewer.person) state.names.set(viewer.person.id, viewer.person.name);
  $("sign-in").hidden = true;
  $("dashboard").hidden = false;
  $("sign-out").hidden = false;
  showMessage("");
  $("who").textContent = `${viewer.person?.name || viewer.subject} · ${viewer.organization.name}`
    + ` · ${viewer.roles.map(fmt.words).join(", ")}`;
  if (!boot.cycles.length) {
    showMessage("This organization has no OKR cycle yet.");
    return;
  }
  fillCycles(boot.cycles);
  fillScopes(boot.teams, viewer.person);
  await selectCycle($("cycle-select").value);
}

function fillCycles(cycles) {
  const today = new Date().toISOString().slice(0, 10);
  const sorted = [...cycles].sort((a, b) => b.startsOn.localeCompare(a.startsOn));
  const current = sorted.find((c) => c.status === "ACTIVE" && c.startsOn <= today && today <= c.endsOn)
    || sorted.find((c) => c.status === "ACTIVE") || sorted[0];
  clear($("cycle-select")).append(...sorted.map((c) => h("option", {
    value: c.key, selected: c.key === current.key,
  }, `${c.name} (${fmt.words(c.status)})`)));
}

function fillScopes(teams, person) {
  const children = new Map();
  for (const team of teams) {
    const parent = team.parent?.id || "";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(team);
  }
  const options = [h("option", { value: "" }, "Whole organization")];
  const walk = (parent, depth) => {
    for (const team of (children.get(parent) || []).sort((a, b) => a.name.localeCompare(b.name))) {
      if (team.kind !== "COMPANY") {
        options.push(h("option", { value: `team:${team.id}` }, `${"— ".repeat(depth)}${team.name}`));
      }
      walk(team.id, team.kind === "COMPANY" ? depth : depth + 1);
    }
  };
  walk("", 0);
  if (person) options.push(h("option", { value: `person:${person.id}` }, `My objectives (${person.name})`));
  clear($("scope-select")).append(...options);
}

/** The chosen scope: for the API (ScopeInput) and for the lists (team ids or person). */
function scope() {
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
      for (const team of state.boot.teams) {
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

/** Can this viewer read "as of" a date? {offered: the schema takes asOf, usable, why}.
 *  A document the schema refuses fails validation (errors without a path); an offered
 *  asOf this viewer may not use fails while executing (errors with a path). */
async function probeAsOf(cycleKey) {
  try {
    const { data, errors } = await request(PROBE_AS_OF,
      { cycle: cycleKey, asOf: new Date().toISOString() }, { probe: true });
    if (!errors.length && data) return { offered: true, usable: true, why: null };
    const executed = errors.some((error) => error.path);
    return { offered: executed, usable: false, why: executed ? errors[0].message : null };
  } catch (error) {
    return { offered: false, usable: false, why: error.message };
  }
}

async function selectCycle(key) {
  stopLive();
  state.cycle = state.boot.cycles.find((c) => c.key === key);
  state.asOf = null;
  slider.setup(state.cycle, await probeAsOf(key));
  await refresh();
  if ($("live-toggle").checked) startLive();
}

async function refresh({ minPosition = null } = {}) {
  state.generation += 1;
  const mine = state.generation;
  const withAsOf = Boolean(state.asOf);
  const variables = { cycle: state.cycle.key, minPosition };
  if (withAsOf) variables.asOf = state.asOf;
  const chosen = scope();
  document.body.dataset.loading = "true";
  try {
    const [treeData, stretchData] = await Promise.all([
      gql(treeQuery(withAsOf), variables),
      gql(stretchQuery(withAsOf), { ...variables, scope: chosen.input }),
    ]);
    if (mine !== state.generation) return;
    state.tree = treeData.alignmentTree;
    state.stretch = stretchData.stretchAnalysis;
    draw(chosen.local);
    showMessage("");
  } catch (error) {
    if (mine !== state.generation) return;
    if (error instanceof ApiError && error.status === 401) {
      signOut(`Signed out: ${error.message}`);
      return;
    }
    if (withAsOf && error.code === "NOT_FOUND") {
      drawNothingYet();
      return;
    }
    showMessage(`Could not load the cycle: ${error.message}`);
  } finally {
    if (mine === state.generation) delete document.body.dataset.loading;
  }
}

function draw(localScope) {
  const tree = state.tree;
  for (const node of tree.nodes) {
    const person = node.objective?.ownerPerson;
    if (person) state.names.set(person.id, person.name);
  }
  const coverageByTeam = new Map(tree.coverage.byTeam.map((t) => [t.teamId, t]));
  const seesAll = state.boot.viewer.roles.includes("ADMIN");
  treeView.render(tree, { coverageByTeam, seesAll });
  renderStretch(state.stretch, tree, {
    seesAll,
    edges: state.boot.viewer.organization.policy.bands,
    scope: localScope,
    names: state.names,
    onOpen: (id) => openObjective(id),
  });
  document.body.dataset.position = String(tree.position);
  document.body.dataset.asOf = state.asOf || "";
}

/** "As of" a day before anything of the cycle was recorded: say so, draw nothing. */
function drawNothingYet() {
  const day = fmt.date(state.asOf.slice(0, 10));
  clear($("tree")).append(h("li", { class: "empty" }, `Nothing of ${state.cycle.name} was recorded by ${day}.`));
  clear($("orphans"));
  clear($("stretch")).append(h("p", { class: "help" }, `No scores yet on ${day}.`));
  $("tree-summary").textContent = "";
  treeView.shape = null;
  document.body.dataset.asOf = state.asOf;
  showMessage("");
}

function startLive() {
  stopLive();
  if (state.asOf) {
    slider.reset();
    state.asOf = null;
    refresh();
  }
  state.live = new LiveUpdates({
    token: session.token,
    cycleKey: state.cycle.key,
    after: state.tree ? state.tree.position : 0,
    onChange: (position) => {
      // At most one redraw per LIVE_SETTLE_MS, however fast events arrive.
      state.livePosition = Math.max(state.livePosition || 0, position);
      if (state.liveTimer) return;
      state.liveTimer = window.setTimeout(async () => {
        state.liveTimer = null;
        await refresh({ minPosition: state.livePosition });
        announce("Scores updated.");
      }, LIVE_SETTLE_MS);
    },
    onStatus: (mode, text) => {
      $("live-status").dataset.mode = mode;
      $("live-status").textContent = text;
    },
  });
  state.live.start();
}

function stopLive() {
  window.clearTimeout(state.liveTimer);
  state.liveTimer = null;
  if (state.live) state.live.stop();
  state.live = null;
}

async function signIn(message) {
  await showSignIn(message, enter);
}

function signOut(message) {
  stopLive();
  if ($("detail").open) $("detail").close();
  session.clear();
  signIn(message);
}

function wire() {
  wireSignIn(enter);
  $("sign-out").addEventListener("click", () => signOut("Signed out."));
  $("cycle-select").addEventListener("change", (event) => selectCycle(event.target.value));
  $("scope-select").addEventListener("change", () => refresh());
  $("expand-all").addEventListener("click", () => treeView.setAll(true));
  $("collapse-all").addEventListener("click", () => treeView.setAll(false));
  $("live-toggle").addEventListener("change", (event) => {
    if (event.target.checked) startLive();
    else stopLive();
  });
}

wire();
if (session.token) enter();
else signIn();
