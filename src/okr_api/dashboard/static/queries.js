// The GraphQL documents the dashboard sends: only the public API, nothing else.
// "As of" reads add an asOf argument, used only once the server has shown it offers one.

export const BOOT = `query DashboardBoot {
  viewer {
    roles
    person { id name team { id } }
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

export function treeQuery(withAsOf) {
  return `query DashboardTree($cycle: String!, $minPosition: Int${asOfVariable(withAsOf)}) {
  alignmentTree(cycle: $cycle, minPosition: $minPosition${asOfArgument(withAsOf)}) {
    position rollUp rootIds orphanIds
    coverage { total aligned share byTeam { teamId total aligned share } }
    nodes {
      id parentId depth placement rolledUpScore childIds moreChildren
      objective {
        title level kind status band gradedScore ownScore supporterCount
        ownerTeam { id name }
        ownerPerson { id name team { id } }
      }
    }
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
      ownerTeam { name }
      ownerPerson { name }
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
