"""How the analyses score objectives: the organization's normal rules, or a re-scoring."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoringOptions:
    """Switches for re-scoring; the defaults are the organization's normal rules.

    The roll-up rule and the band edges come from the ``OkrPolicy`` passed alongside;
    these options cover what the policy does not say.

    - ``honour_weights``: False weighs every key result 1 (aligned children always
      weigh 1, as in ``okr_domain.rollup``).
    - ``cap_progress``: False scores key results by their raw progress (below 0 or above
      1 allowed) and leaves the means unclamped.
    - ``use_final_grades``: a closed objective keeps its recorded final grade (the
      computed grade, or the reviewer's override). False re-scores it from its key
      results under the given policy, as if the cycle were being closed now.
    - ``apply_overrides``: a grade override replaces the computed score of an objective
      that is scored from its key results (an open one, or a closed one being re-scored),
      exactly as it would at close. False shows the computed score alone.
    """

    honour_weights: bool = True
    cap_progress: bool = True
    use_final_grades: bool = True
    apply_overrides: bool = True

    @property
    def is_normal(self) -> bool:
        return self == NORMAL_RULES


NORMAL_RULES = ScoringOptions()
