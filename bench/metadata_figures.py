"""How many gold metadata values the header parser reproduces, per field (run by hand).

Reads every document of ``data/docs`` and compares :func:`kg.io.metadata.parse_metadata`
on its normalised text with the ``metadata`` of ``data/gold/<stem>.json``. A value
counts when it is equal to the gold value; ``extra`` counts fields the parser gives
that the gold leaves out (``subtitle``, ``signed_date``, ``host`` and ``address`` are
not annotated and are not counted). With ``--new-since REV`` a second table counts
only the documents that were not in ``data/docs`` at git revision ``REV``.

    python bench/metadata_figures.py --new-since 7bf1b56~1
"""

from __future__ import annotations

import argparse
import json
import subprocess
from collections import Counter
from pathlib import Path

from kg.io import read_document
from kg.types import METADATA_FIELDS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "data" / "docs"
GOLD = ROOT / "data" / "gold"
#: Fields the parser gives that the gold does not annotate.
NOT_ANNOTATED = frozenset({"subtitle", "signed_date", "host", "address"})


def stems_at(rev: str) -> set[str]:
    """Stems of the documents in ``data/docs`` at git revision ``rev``."""
    out = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{rev}:data/docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {Path(name).stem for name in out.split()}


def table(parsed: dict[str, dict[str, str]], gold: dict[str, dict[str, str]]) -> list[str]:
    """Lines of the per-field table: field, matched / gold values, extra values."""
    total: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    for stem, want in gold.items():
        got = parsed[stem]
        for field, value in want.items():
            total[field] += 1
            matched[field] += got.get(field) == value
        for field in set(got) - set(want) - NOT_ANNOTATED:
            extra[field] += 1
    order = [f for f in METADATA_FIELDS if f in total or f in extra]
    order += sorted(set(total) - set(order))
    lines = [f"{'field':<16}{'matched':>8}{'gold':>6}{'extra':>7}"]
    for field in order:
        lines.append(f"{field:<16}{matched[field]:>8}{total[field]:>6}{extra[field]:>7}")
    lines.append(
        f"{'all':<16}{sum(matched.values()):>8}{sum(total.values()):>6}{sum(extra.values()):>7}"
    )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new-since", metavar="REV", help="also count the documents added since REV")
    args = ap.parse_args()
    paths = sorted(DOCS.glob("*.txt"))
    parsed = {p.stem: dict(read_document(p).metadata) for p in paths}
    gold = {
        p.stem: json.loads((GOLD / f"{p.stem}.json").read_text(encoding="utf-8"))["metadata"]
        for p in paths
    }
    print(f"all {len(gold)} documents")
    print("\n".join(table(parsed, gold)))
    if args.new_since:
        old = stems_at(args.new_since)
        new = {stem: want for stem, want in gold.items() if stem not in old}
        print(f"\nthe {len(new)} documents not in data/docs at {args.new_since}")
        print("\n".join(table(parsed, new)))


if __name__ == "__main__":
    main()
