"""``python -m okr_api.cli``."""

from okr_api.cli import main

main()
