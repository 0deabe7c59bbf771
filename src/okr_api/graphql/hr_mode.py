"""The organization's HR mode applied to HR answers (OKR is not the appraisal: the
README's "The practice"), the same rule as the HR feed's (``okr_api.live.audience``).

A caller with the HR role and without ADMIN reads per the organization's HR mode:

- RESULTS: everything, as anyone else;
- EFFORT: engagement only: check-ins are listed (when, in a 1:1 or not), without values,
  scores, confidence or notes; grades are withheld; score analyses and history
  payloads are refused;
- NONE: no results and no engagement: besides what EFFORT withholds, no check-ins are
  listed and the health report is refused too.

Withheld fields answer null; refused queries answer the error code ``HR_MODE``. The mode
is read once per request (``Context.hr_mode``, per connection over WebSocket), so the
resolvers decide without a round trip.
"""

from __future__ import annotations

from okr_api.context import Context
from okr_api.errors import ApiError
from okr_domain.values import HrMode


def results_withheld(ctx: Context) -> bool:
    """Values, scores, confidence, notes and grades are withheld from this caller."""
    return ctx.hr_mode in (HrMode.EFFORT, HrMode.NONE)


def engagement_withheld(ctx: Context) -> bool:
    """Check-ins themselves (that they happened) are withheld from this caller."""
    return ctx.hr_mode is HrMode.NONE


def require_results(ctx: Context, what: str) -> None:
    mode = ctx.hr_mode
    if mode is HrMode.EFFORT or mode is HrMode.NONE:
        raise ApiError("HR_MODE", f"the organization's HR mode ({mode.value}) keeps {what} "
                                  "from HR")
