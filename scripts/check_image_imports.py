"""Fail when a module of the given packages needs a distribution the image left out.

The `app` image omits the analytics-only distributions (Streamlit, pyarrow, plotly, ...). This imports every
module of mess, web and workers in the built venv and fails if any import is missing one of them; other
import-time errors (e.g. Alembic's env.py wanting a migration context) are not this check's business.

    python check_image_imports.py --missing streamlit,pyarrow mess web workers
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--missing", required=True, help="comma-separated top-level modules left out")
    parser.add_argument("packages", nargs="+")
    args = parser.parse_args(argv)
    left_out = {name.strip() for name in args.missing.split(",") if name.strip()}
    problems = []
    checked = 0
    for package_name in args.packages:
        package = importlib.import_module(package_name)
        modules = [package_name] + [
            info.name for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}.")
        ]
        for module in modules:
            checked += 1
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as error:
                if (error.name or "").split(".")[0] in left_out:
                    problems.append(f"{module} imports {error.name}, which this image does not install")
            except Exception:  # noqa: S112 - only missing distributions matter here
                continue
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"checked {checked} modules, {len(problems)} need a left-out distribution")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
