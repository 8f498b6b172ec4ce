"""The ``kg`` command line: a thin layer over the library.

Each command lives in its own module (``kg/cli/<name>.py``) exposing a click
command named ``command``; this module only names them. A command's module is
imported when that command runs (or for ``--help``), so ``kg build`` does not
pay for the SPARQL engine that ``kg query`` loads. A :class:`KGError`
becomes ``Error: …`` on stderr and exit code 1; usage errors exit with 2.
"""

from __future__ import annotations

import importlib
import sys

import click

from kg import __version__
from kg.errors import KGError

#: Command modules, in the order ``kg --help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "build",
    "extract",
    "eval",
    "train",
    "report",
    "export",
    "validate",
    "query",
    "serve",
    "push",
    "viz",
)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMAND_MODULES:
            return None
        command: click.Command = importlib.import_module(f"kg.cli.{cmd_name}").command
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            from kg.cli.common import shown

            click.echo(f"Error: {shown(exc)}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """policy-kg: build a knowledge graph from Chinese government policy documents.

    Typical use: ``kg build data/docs --out out`` reads every document, extracts
    places, agencies, agreements, plans and their relations, and writes RDF
    (Turtle, TriG, JSON-LD), an offline HTML graph and a report into ``out``.
    """
