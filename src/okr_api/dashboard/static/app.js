// The dashboard: sign in, pick a cycle, see its alignment tree and stretch picture, "as
// of" any day (when the server offers it) or live; check in, support, answer and make
// alignment proposals, and hold 1:1s. Built only on the public GraphQL API.
//
// The first view asks for the tree's first two levels and the stretch figures only; the
// light list of every objective the stretch lists need comes after it is drawn, and the
// tree's deeper levels when they are expanded. body[data-first-view] says when the first
// view was drawn (ms since the page started), body[data-loading] that work is in flight.

import { ApiError, gql, probe, request, session, settle } from "./api.js";
import { ObjectiveDetail } from "./detail.js";
import { $, announce, clear, h, showMessage } from "./dom.js";
import {
  LANGUAGES, language, onLanguageChange, setLanguage, setTimeZone, t, te, translatePage,
} from "./i18n.js";
import { LiveUpdates } from "./live.js";
import { Practice } from "./practice.js";
import {
  BOOT, PROBE_AS_OF, TIME_ZONE, levelsQuery, listNodesQuery, stretchQuery, treeQuery,
} from "./queries.js";
import { showSignIn, wireSignIn } from "./signin.js";
import { chosenScope, fillCycles, fillScopes } from "./scopes.js";
import { renderStretch } from "./stretch.js";
import { TimeSlider } from "./timeline.js";
import { TreeView } from "./tree.js";

const LIVE_SETTLE_MS = 200;
const MAX_LEVELS_PER_REQUEST = 25;

const state = {
  boot: null,
  cycle: null,
  asOf: null,
  tree: null,
  stretch: null,
  listNodes: null,
  live: null,
  liveTimer: null,
  livePosition: null,
  names: new Map(),
  generation: 0,
  listKey: null,
};

const treeView = new TreeView({
  onOpen: (id) => openObjective(id),
  loadChildren: (id) => loadLevels([id]),
  loadAll: () => loadTree({ depth: null }),
});
const detail = new ObjectiveDetail({
  names: state.names,
  // proposeAlignment takes a side where the server has the proposal inbox (one change).
  context: () => ({ me: state.boot?.viewer.person || null, withSide: practice.offers.inbox }),
  onChanged: (position) => changed(position),
});
const practice = new Practice({ onOpen: (id) => openObjective(id), onChanged: (position) => changed(position) });
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
  const node = treeView.byId.get(id);
  detail.open(id, { cycle: state.cycle, asOf: state.asOf, band: node?.objective?.band });
}

/** Something was written here: show it (live mode shows the tree by itself). */
async function changed(position) {
  if (!$("live-toggle").checked && !state.asOf) refresh({ minPosition: position });
  await settle(position);
  await practice.load();
}

async function enter() {
  let boot;
  const zone = probe(TIME_ZONE); // asked beside the boot: the first view waits for both
  try {
    boot = await gql(BOOT);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      await signIn(t("signIn.refused", { reason: error.message }));
    } else {
      showMessage(t("app.noAnswer", { reason: error.message }));
    }
    return;
  }
  state.boot = boot;
  state.asOfProbe = null;
  const viewer = boot.viewer;
  for (const team of boot.teams) state.names.set(team.id, team.name);
  for (const { node } of boot.people.edges) state.names.set(node.id, node.name);
  if (viewer.person) state.names.set(viewer.person.id, viewer.person.name);
  setTimeZone((await zone).data?.viewer?.organization?.policy?.timeZone || "UTC");
  $("sign-in").hidden = true;
  $("dashboard").hidden = false;
  $("sign-out").hidden = false;
  showMessage("");
  drawWho();
  if (!boot.cycles.length) {
    showMessage(t("app.noCycle"));
    return;
  }
  fillCycles(boot.cycles);
  fillScopes(boot.teams, viewer.person);
  await selectCycle($("cycle-select").value);
  practice.start(viewer.person, state.cycle.key);
}

function drawWho() {
  const viewer = state.boot.viewer;
  $("who").textContent = `${viewer.person?.name || viewer.subject} · ${viewer.organization.name}`
    + ` · ${viewer.roles.map((role) => te("role", role)).join(", ")}`;
}

/** Can this viewer read "as of" a date? {offered: the schema takes asOf, usable, why}.
 *  A document the schema refuses fails validation (errors without a path); an offered
 *  asOf this viewer may not use fails while executing (errors with a path: FORBIDDEN).
 *  It asks about a cycle that does not exist: the role is checked first, and no history
 *  is replayed for the question (a replay of a large organization takes the server a
 *  while), so "no such cycle" means the viewer may travel. */
async function probeAsOf() {
  try {
    const { data, errors } = await request(PROBE_AS_OF,
      { cycle: PROBE_CYCLE, asOf: new Date().toISOString() }, { probe: true });
    if (!errors.length && data) return { offered: true, usable: true, why: null };
    const executed = errors.some((error) => error.path);
    const allowed = executed && errors.every((error) => ANSWERS_OF_AN_ALLOWED_PROBE.has(error.extensions?.code));
    return { offered: executed, usable: allowed, why: executed && !allowed ? errors[0].message : null };
  } catch (error) {
    return { offered: false, usable: false, why: error.message };
  }
}

const PROBE_CYCLE = "dashboard-probe-no-such-cycle";
const ANSWERS_OF_AN_ALLOWED_PROBE = new Set(["NOT_FOUND", "INVALID_INPUT"]);

async function selectCycle(key) {
  stopLive();
  state.cycle = state.boot.cycles.find((c) => c.key === key);
  state.asOf = null;
  treeView.reset();
  // The first view does not wait for the time-travel probe: it is asked once drawn.
  slider.setup(state.cycle, { offered: false, usable: false, why: null, checking: true });
  await refresh();
  state.asOfProbe = state.asOfProbe || await probeAsOf();
  if (state.cycle.key === key) slider.setup(state.cycle, state.asOfProbe);
  if ($("live-toggle").checked) startLive();
}

function treeVariables(extra = {}) {
  const variables = { cycle: state.cycle.key, minPosition: state.minPosition ?? null, ...extra };
  if (state.asOf) variables.asOf = state.asOf;
  return variables;
}

/** The tree at a depth (1: the first view; null: all of it). */
async function loadTree({ depth }) {
  const data = await gql(treeQuery(Boolean(state.asOf)), treeVariables({ depth }));
  return data.alignmentTree;
}

/** The level below each of the given nodes (they included), in as few requests as may be. */
async function loadLevels(ids) {
  const nodes = [];
  for (let start = 0; start < ids.length; start += MAX_LEVELS_PER_REQUEST) {
    const chunk = ids.slice(start, start + MAX_LEVELS_PER_REQUEST);
    const roots = Object.fromEntries(chunk.map((id, i) => [`r${i}`, id]));
    const data = await gql(levelsQuery(Boolean(state.asOf), chunk.length), treeVariables(roots));
    for (const view of Object.values(data)) nodes.push(...view.nodes);
  }
  return nodes;
}

async function refresh({ minPosition = null } = {}) {
  state.generation += 1;
  const mine = state.generation;
  const withAsOf = Boolean(state.asOf);
  state.minPosition = minPosition;
  const chosen = chosenScope(state.boot.teams);
  const stretchVariables = { cycle: state.cycle.key, minPosition, scope: chosen.input };
  if (withAsOf) stretchVariables.asOf = state.asOf;
  document.body.dataset.loading = "true";
  try {
    const whole = treeView.complete;
    const [tree, below, stretchData] = await Promise.all([
      loadTree({ depth: whole ? null : 1 }),
      whole ? [] : loadLevels(treeView.loadedBelow()),
      gql(stretchQuery(withAsOf), stretchVariables),
    ]);
    if (mine !== state.generation) return;
    state.tree = tree;
    state.stretch = stretchData.stretchAnalysis;
    draw(chosen.local, { below, complete: whole });
    if (!document.body.dataset.firstView) {
      document.body.dataset.firstView = String(Math.round(performance.now()));
    }
    showMessage("");
    const lists = await gql(listNodesQuery(withAsOf), treeVariables());
    if (mine !== state.generation) return;
    state.listNodes = lists.alignmentTree.nodes;
    drawStretch(chosen.local);
  } catch (error) {
    if (mine !== state.generation) return;
    if (error instanceof ApiError && error.status === 401) {
      signOut(t("app.signedOutBecause", { reason: error.message }));
      return;
    }
    if (withAsOf && error.code === "NOT_FOUND") {
      drawNothingYet();
      return;
    }
    showMessage(t("app.loadFailed", { reason: error.message }));
  } finally {
    if (mine === state.generation) delete document.body.dataset.loading;
  }
}

function coverageByTeam() {
  return new Map(state.tree.coverage.byTeam.map((team) => [team.teamId, team]));
}

function draw(localScope, { below = [], complete = false } = {}) {
  const tree = state.tree;
  for (const node of tree.nodes) {
    const person = node.objective?.ownerPerson;
    if (person) state.names.set(person.id, person.name);
  }
  const seesAll = state.boot.viewer.roles.includes("ADMIN");
  treeView.render(tree, { coverageByTeam: coverageByTeam(), seesAll, below, complete });
  // The stretch lists keep the last list of this cycle and moment until the new one is in.
  const listKey = `${state.cycle.key}@${state.asOf || "now"}`;
  if (listKey !== state.listKey) state.listNodes = null;
  state.listKey = listKey;
  drawStretch(localScope);
  document.body.dataset.position = String(tree.position);
  document.body.dataset.asOf = state.asOf || "";
}

function drawStretch(localScope) {
  renderStretch(state.stretch, state.listNodes, {
    seesAll: state.boot.viewer.roles.includes("ADMIN"),
    edges: state.boot.viewer.organization.policy.bands,
    scope: localScope,
    names: state.names,
    onOpen: (id) => openObjective(id),
  });
}

/** "As of" a day before anything of the cycle was recorded: say so, draw nothing. */
function drawNothingYet() {
  const shown = slider.label.textContent;
  clear($("tree")).append(h("li", { class: "empty" }, t("time.nothingYet", { cycle: state.cycle.name, day: shown })));
  clear($("orphans"));
  $("orphans-more")?.remove();
  clear($("stretch")).append(h("p", { class: "help" }, t("time.noScoresYet", { day: shown })));
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
        await Promise.all([refresh({ minPosition: state.livePosition }), practice.load()]);
        announce(t("live.updated"));
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
  $("live-status").dataset.mode = "off";
  $("live-status").textContent = t("live.off");
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

/** Everything drawn, again, in the language just chosen. */
function redrawInLanguage() {
  if (!$("sign-in").hidden) showSignIn("", enter);
  if (!state.boot) return;
  drawWho();
  fillCycles(state.boot.cycles);
  fillScopes(state.boot.teams, state.boot.viewer.person);
  slider.describe();
  slider.show();
  if (!state.live) $("live-status").textContent = t("live.off");
  if (state.tree && state.stretch) {
    treeView.redraw();
    drawStretch(chosenScope(state.boot.teams).local);
  }
  practice.redraw();
  if ($("detail").open && detail.current) detail.open(detail.current, detail.args);
}

function wireLanguage() {
  const select = $("language-select");
  select.append(...Object.entries(LANGUAGES).map(([code, name]) => h("option", { value: code, lang: code }, name)));
  select.value = language();
  select.addEventListener("change", () => setLanguage(select.value));
  onLanguageChange(redrawInLanguage);
  translatePage();
  $("live-status").textContent = t("live.off");
}

function wire() {
  wireLanguage();
  wireSignIn(enter);
  $("sign-out").addEventListener("click", () => signOut(t("app.signedOut")));
  $("cycle-select").addEventListener("change", async (event) => {
    await selectCycle(event.target.value);
    practice.setCycle(state.cycle.key);
  });
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
