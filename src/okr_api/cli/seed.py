"""``okr-api seed``: generate a realistic organization with quarters of OKR history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from okr_api.auth import mint_token
from okr_api.cli.options import (
    DatabaseUrl,
    DataDir,
    apply_options,
    console,
    signing_keys,
    store_url,
)
from okr_domain import ids

if TYPE_CHECKING:
    from okr_api.seeding import SeedReport
    from okr_api.settings import Settings

TOKEN_HOURS = 12


def seed_command(
    people: Annotated[int, typer.Option(help="How many people the organization has.")] = 1000,
    cycles: Annotated[int, typer.Option(
        help="Quarters of history, ending with the current one (earlier ones are closed "
             "and graded).")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same data.")] = 1,
    slug: Annotated[str, typer.Option(help="The organization's slug.")] = "seeded",
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Generate an organization (departments, teams, managers), its OKRs at all three
    levels with alignments, and weekly check-ins, through the command side."""
    from okr_api.seeding import SeedPlan
    from okr_api.seeding import seed as run_seed
    from okr_api.storage import init_database
    from okr_domain.errors import DomainError

    settings = apply_options(data_dir, database_url)
    url = store_url(settings)
    app = init_database(url)
    try:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(what: str, done: int, total: int) -> None:
                if what not in tasks:
                    tasks[what] = bar.add_task(what, total=total or 1)
                bar.update(tasks[what], completed=done, total=total or 1)

            report = run_seed(app, SeedPlan(people=people, cycles=cycles, seed=seed,
                                            slug=slug), progress)
    except (DomainError, ValueError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        app.close()
    console.print(f"{report.events:,} events in {report.seconds:.1f} s "
                  f"({report.events_per_second:,.0f}/s); cycles {', '.join(report.cycle_keys)}")
    print_sign_in(settings, slug, report)


def print_sign_in(settings: Settings, slug: str, report: SeedReport) -> None:
    """How to sign in: a token for the CEO (an admin) and the command that mints one
    for anyone else, with a few of the seeded people's external ids."""
    typer.echo(f"Seeded the organization {slug!r} ({report.organization_id}).")
    if not report.people:
        return
    ceo = report.people[0]
    token = mint_token(signing_keys(settings), organization_id=report.organization_id,
                       subject=str(ids.person_id(report.organization_id, ceo.external_id)),
                       roles=list(ceo.roles), ttl_seconds=TOKEN_HOURS * 3600)
    typer.echo(f"\nSign in as the {ceo.label} ({ceo.external_id}, "
               f"{','.join(r.value for r in ceo.roles)}), valid {TOKEN_HOURS} hours:")
    typer.echo(f"  Authorization: Bearer {token}")
    typer.echo("\nA token for someone else (people's external ids run e000000, e000001, ...):")
    for person in report.people:
        typer.echo(f"  {person.label:16} okr-api token --organization {slug} "
                   f"--subject {person.external_id} "
                   f"--roles {','.join(r.value for r in person.roles)}")
