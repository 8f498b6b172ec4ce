"""Run the notebooks headless into copies with their outputs; the committed ones are untouched.

    .venv/bin/python scripts/run_notebooks.py              # -> out/notebooks/*.ipynb
    .venv/bin/python scripts/run_notebooks.py --out DIR notebooks/01_explore.ipynb

Each notebook runs from a clean kernel of this interpreter (the venv's), with the
notebook's own folder as its working folder, as in JupyterLab; the executed copy is
written to ``--out`` (default ``out/notebooks``), never over the notebook itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    import nbformat
    from nbclient import NotebookClient

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "notebooks")
    args = ap.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        target = args.out.resolve() / path.name
        if target == path.resolve():
            ap.error(f"--out would overwrite {path}: choose another folder")
        nb = nbformat.read(path, as_version=4)
        NotebookClient(
            nb,
            timeout=900,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.resolve().parent)}},
        ).execute()
        nbformat.write(nb, target)
        print(f"{path} -> {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
