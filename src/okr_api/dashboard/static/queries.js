// The GraphQL documents the dashboard sends: only the public API, nothing else.
// "As of" reads add an asOf argument, used only once the server has shown it offers one.

export const BOOT = `query DashboardBoot {
  viewer {
    roles
    person { id name team { id } manager { id name } }
    organization { name policy { bands { low sweetFrom sweetTo tooSafe } rollUp } }
  }
  cycles { id key name startsOn endsOn status }
  teams { id name kind parent { id } }
  people(first: 100) { edges { node { id name } } }
}`;

/** Does the server take asOf on the tree and the stretch analysis? (no introspection) */
export const PROBE_AS_OF = `query DashboardProbeAsOf($cycle: String!, $asOf: DateTime!) {
  tree: alignmentTree(cycle: $cycle, depth: 0, asOf: $asOf) { position }
  stretch: stretchAnalysis(cycle: $cycle, asOf: $asOf) { position }
}`;

export const POSITION = "query DashboardPosition { position }";

const asOfVariable = (withAsOf) => (withAsOf ? ", $asOf: DateTime" : "");
const asOfArgument = (withAsOf) => (withAsOf ? ", asOf: $asOf" : "");

const TREE_NODE = `id parentId depth placement rolledUpScore childIds moreChildren
      objective {
        title level kind status band gradedScore ownScore supporterCount
        ownerTeam { id name }
        ownerPerson { id name team { id } }
      }`;

/** The tree: the first view (depth 1), a node's level (rootId, depth 1) or all (no depth). */
export function treeQuery(withAsOf) {
  return `query DashboardTree($cycle: String!, $minPosition: Int, $depth: Int, $rootId: ID${asOfVariable(withAsOf)}) {
  alignmentTree(cycle: $cycle, minPosition: $minPosition, depth: $depth, rootId: $rootId${asOfArgument(withAsOf)}) {
    position rollUp rootIds orphanIds
    coverage { total aligned share byTeam { teamId total aligned share } }
    nodes { ${TREE_NODE} }
  }
}`;
}

/** The levels below several expanded nodes at once, one alias each (a live refresh). */
export function levelsQuery(withAsOf, count) {
  const aliases = Array.from({ length: count }, (_, i) => `n${i}: alignmentTree(cycle: $cycle, `
    + `minPosition: $minPosition, depth: 1, rootId: $r${i}${asOfArgument(withAsOf)}) { nodes { ${TREE_NODE} } }`);
  const roots = Array.from({ length: count }, (_, i) => `, $r${i}: ID`).join("");
  return `query DashboardTreeLevels($cycle: String!, $minPosition: Int${roots}${asOfVariable(withAsOf)}) {
  ${aliases.join("\n  ")}
}`;
}

/** Every objective of the cycle, lightly: what the stretch lists are drawn from. */
export function listNodesQuery(withAsOf) {
  return `query DashboardListNodes($cycle: String!, $minPosition: Int${asOfVariable(withAsOf)}) {
  alignmentTree(cycle: $cycle, minPosition: $minPosition${asOfArgument(withAsOf)}) {
    position
    nodes { id objective { title kind band gradedScore ownerTeam { id name } ownerPerson { id name team { id } } } }
  }
}`;
}

export function stretchQuery(withAsOf) {
  return `query DashboardStretch($cycle: String!, $scope: ScopeInput, $minPosition: Int${asOfVariable(withAsOf)}) {
  stretchAnalysis(cycle: $cycle, scope: $scope, minPosition: $minPosition${asOfArgument(withAsOf)}) {
    position finalGrades aspirationalCount mean median distanceFromTarget
    histogram { lower upper count }
    bands { band count share }
    committedCount committedMet committedHitRate
    pace {
      elapsedFraction tolerance aspirationalExpected aspirationalMean
      committedExpected committedMean
      behind { objectiveId kind score expected gap }
    }
    trends { ownerKind ownerId flags points { cycleKey mean band } }
  }
}`;
}

export const OBJECTIVE = `query DashboardObjective($id: ID!) {
  node(id: $id) {
    ... on Objective {
      id title description level kind visibility status score position
      grade { computedScore override reason finalScore band }
      ownerTeam { id name lead { id } }
      ownerPerson { id name }
      cycle { key }
      parent { id title }
      supporters { id name team { name } }
      keyResults {
        id title metricType start target current unit weight score checkInCount
        checkIns(first: 40) {
          totalCount
          edges { node { value appliesAt confidence note corrected } }
        }
      }
    }
  }
}`;

const EVENT_FIELDS = `position type occurredAt appliesAt actorId keyResultTitle value previousValue
  objectiveScoreAfter note reason redacted`;

/** Every event of one objective from the start (stored ones, then live ones). */
export const OBJECTIVE_EVENTS = `subscription DashboardObjectiveEvents($filter: OkrEventFilterInput) {
  okrEvents(after: 0, filter: $filter) { ${EVENT_FIELDS} }
}`;

/** The cycle's events after a position: each one may move the tree and the picture. */
export const CYCLE_EVENTS = `subscription DashboardCycleEvents($after: Int, $filter: OkrEventFilterInput) {
  okrEvents(after: $after, filter: $filter) { position type objectiveId objectiveScoreAfter }
}`;

// --- Practice: check-ins, support, alignment proposals, 1:1s -------------------------

export const TIME_ZONE = "query DashboardTimeZone { viewer { organization { policy { timeZone } } } }";

export const RECORD_CHECK_IN = `mutation DashboardCheckIn($input: RecordCheckInInput!) {
  recordCheckIn(input: $input) { position userErrors { code field message } }
}`;

export const SUPPORT = `mutation DashboardSupport($input: SupportObjectiveInput!) {
  supportObjective(input: $input) { position userErrors { code field message } }
}`;

export const WITHDRAW_SUPPORT = `mutation DashboardWithdrawSupport($input: SupportObjectiveInput!) {
  withdrawSupport(input: $input) { position userErrors { code field message } }
}`;

export const PROPOSE = `mutation DashboardPropose($input: ProposeAlignmentInput!) {
  proposeAlignment(input: $input) { position userErrors { code field message } }
}`;

export const RESPOND = `mutation DashboardRespond($input: RespondToAlignmentProposalInput!) {
  respondToAlignmentProposal(input: $input) { position userErrors { code field message } }
}`;

export const WITHDRAW_PROPOSAL = `mutation DashboardWithdrawProposal($input: WithdrawAlignmentProposalInput!) {
  withdrawAlignmentProposal(input: $input) { position userErrors { code field message } }
}`;

/** Objectives to align to (or to ask to align): the cycle's, found by title. */
export const CANDIDATES = `query DashboardCandidates($filter: ObjectiveFilterInput) {
  objectives(filter: $filter, first: 20) {
    edges { node { id title level ownerPerson { id name } ownerTeam { id name } } }
  }
}`;

const PROPOSAL = `id status message responseReason createdAt respondedAt withdrawnAt
    awaitingSide awaitingMe proposedByChildSide
    requestedBy { id name }
    child { id title ownerPerson { id name } ownerTeam { id name } }
    parent { id title ownerPerson { id name } ownerTeam { id name } }`;

export const INBOX = `query DashboardInbox($cycle: String) {
  awaiting: alignmentProposals(filter: { awaitingMe: true, state: PENDING, cycle: $cycle }) { ${PROPOSAL} }
  mine: alignmentProposals(filter: { mine: true, cycle: $cycle }) { ${PROPOSAL} }
}`;

export const CHECK_INS_DUE = `query DashboardCheckInsDue {
  viewer { checkInsDue { dueSince keyResult { id title } objective { id title } } }
}`;

export const REPORTS = "query DashboardReports { viewer { reports { id name } } }";

export const ONE_ON_ONE = `query DashboardOneOnOne($reportId: ID!, $cycle: String) {
  oneOnOne(reportId: $reportId, cycle: $cycle) {
    cycleKey lastOneOnOneAt
    manager { id name }
    report { id name }
    objectives { id title kind status score grade { band } }
    checkInsSinceLastOneOnOne {
      id value confidence note appliesAt inOneOnOne
      author { name }
      keyResult { id title unit objective { id title } }
    }
    confidenceTrend { at confidence }
    openProposals { ${PROPOSAL} }
  }
}`;
