"""`grader doctor`: what isolation this machine gives graded submissions, and how to get more."""

import json

import click

from grader.sandbox.confine import ConfinementError, probe, report


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (for scripts).")
@click.option("--sandbox", "requested", default="auto", show_default=True,
              type=click.Choice(["auto", "1", "2", "3", "4"]), help="The level you mean to grade with.")
def doctor(as_json: bool, requested: str):
    """Print each confinement layer (available or not, and why), the level graded submissions get,
    and how to get more.

    \b
    grader doctor            human-readable report
    grader doctor --json     the same as JSON
    """
    try:
        confinement = probe(requested)
    except ConfinementError as exc:
        if as_json:
            click.echo(json.dumps({"error": str(exc)}, indent=2))
        else:
            click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    data = report(confinement)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"Graded submissions get level {data['level']} of 4.")
    click.echo(f"  always: {', '.join(data['base_layers'])}")
    for row in data["layers"]:
        mark = "in force" if row["in_force"] else "available, not used" if row["available"] else "missing"
        click.echo(f"  {row['layer']:<20} {mark}" + (f": {row['why_not']}" if row["why_not"] else ""))
    details = [f"workers run as uid {data['worker_uid']}"]
    if data["landlock_abi"]:
        details.append(f"Landlock ABI {data['landlock_abi']}")
    if data["bwrap"]:
        details.append(f"bubblewrap at {data['bwrap']}")
    click.echo("  (" + "; ".join(details) + ")")
    click.echo(f"Disk quota: {data['disk_quota']}.")
    advice = [row for row in data["layers"] if not row["available"]]
    if advice:
        click.echo("To get more:")
        for row in advice:
            click.echo(f"  {row['layer']}: {row['how_to_get']}")
    else:
        click.echo("Nothing more to get: every layer is available here.")
