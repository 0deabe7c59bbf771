"""The GraphQL documents the benchmarks send (the shapes a dashboard would ask for)."""

from __future__ import annotations

RECORD_CHECK_IN = """mutation RecordCheckIn($input: RecordCheckInInput!) {
  recordCheckIn(input: $input) { position userErrors { code message } }
}"""

_TREE_FIELDS = """
    cycleKey position hiddenCount rootIds orphanIds
    coverage { total aligned share }
    nodes {
      id parentId depth placement hidden rolledUpScore childIds moreChildren
      objective {
        title level kind status ownScore gradedScore band supporterCount lastCheckInAt
        ownerTeam { id name }
        ownerPerson { id name }
        keyResults { id title metricType start target current progress score checkInCount }
      }
    }"""

ALIGNMENT_TREE = ("query AlignmentTree($cycle: String!, $rootId: ID, $depth: Int) {\n"
                  "  alignmentTree(cycle: $cycle, rootId: $rootId, depth: $depth) {"
                  + _TREE_FIELDS + "\n  }\n}")

ALIGNMENT_TREE_AS_OF = (
    "query AlignmentTreeAsOf($cycle: String!, $rootId: ID, $depth: Int, $asOf: DateTime) {\n"
    "  alignmentTree(cycle: $cycle, rootId: $rootId, depth: $depth, asOf: $asOf) {"
    + _TREE_FIELDS + "\n  }\n}")

STRETCH_ANALYSIS = """query StretchAnalysis($cycle: String!, $scope: ScopeInput) {
  stretchAnalysis(cycle: $cycle, scope: $scope) {
    cycleKey position finalGrades aspirationalCount mean median distanceFromTarget
    histogram { lower upper count }
    bands { band count share }
    committedCount committedMet committedHitRate
    pace {
      elapsedFraction tolerance aspirationalExpected aspirationalMean
      committedExpected committedMean
      behind { objectiveId kind score expected gap }
    }
    hiddenCount
    trends { ownerKind ownerId flags points { cycleKey count mean band } }
  }
}"""

SCORE_EVENTS = """subscription ScoreEvents($after: Int) {
  scoreEvents(after: $after) { position type occurredAt }
}"""
SCORE_EVENTS_HR = """subscription ScoreEvents($after: Int) {
  scoreEvents(after: $after) {
    position type occurredAt objectiveId objectiveTitle teamId ownerExternalId
    actorExternalId value scoreAfter objectiveScoreAfter band cadenceKept
  }
}"""
"""What an HR system might follow: the catalog's facts (title, team, external ids, the
band) besides the event's own fields."""

FEATURES = """query Features {
  __schema {
    queryType { fields { name args { name } } }
    subscriptionType { fields { name args { name } } }
  }
}"""
