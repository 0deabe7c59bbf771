"""The scoring policy of re-scored answers: what a query may ask for (``PolicyInput``)
and what an answer says it was computed under (``ScoringPolicy``)."""

from __future__ import annotations

import strawberry

from okr_api.graphql.types.org import BandEdges
from okr_domain import values


@strawberry.type(description="The scoring rules an answer was computed under.")
class ScoringPolicy:
    roll_up: values.RollUp
    honour_weights: bool
    cap_progress: bool
    bands: BandEdges


@strawberry.input(description="Band edges; the ones left out are the organization's.")
class BandsInput:
    low: float | None = None
    sweet_from: float | None = None
    sweet_to: float | None = None
    too_safe: float | None = None


@strawberry.input(description="An alternative scoring policy: the answer is computed as if "
                              "it had held all cycle long (grades are recomputed from the key "
                              "results; reviewers' overrides still apply). Fields left out "
                              "are the organization's. Nothing stored changes.")
class PolicyInput:
    roll_up: values.RollUp | None = None
    honour_weights: bool = strawberry.field(
        default=True, description="False weighs every key result 1.")
    cap_progress: bool = strawberry.field(
        default=True, description="False scores key results by their raw progress (below 0 "
                                  "or above 1 allowed) and leaves means unclamped.")
    bands: BandsInput | None = None


def scoring_policy(policy: values.OkrPolicy, honour_weights: bool,
                   cap_progress: bool) -> ScoringPolicy:
    bands = policy.bands
    return ScoringPolicy(roll_up=policy.roll_up, honour_weights=honour_weights,
                         cap_progress=cap_progress,
                         bands=BandEdges(low=bands.low, sweet_from=bands.sweet_from,
                                         sweet_to=bands.sweet_to, too_safe=bands.too_safe))
