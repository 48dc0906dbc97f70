"""Rewrite the golden briefs in tests/golden from the current code.

    .venv/bin/python -m tests.support.make_golden          # examples/ and ../shared/seeds
    .venv/bin/python -m tests.support.make_golden --check  # compare only, exit 1 on a change

Run it when a change to the brief is intended (then review ``git diff tests/golden``); the
golden tests (tests/test_golden.py) fail on any change that was not.
"""

from __future__ import annotations

import argparse
import sys

from tests.support.golden import REPO, Corpus, examples, outputs, seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    corpora: list[Corpus] = [examples()]
    shared = REPO.parent / "shared"
    if (shared / "seeds").is_dir():
        corpora.append(seeds(shared))
    else:
        print(f"{shared / 'seeds'} is absent: the reference case's golden is left as it is")
    changed = 0
    for corpus in corpora:
        for fmt, text in outputs(corpus).items():
            path = corpus.golden(fmt)
            same = path.exists() and path.read_text(encoding="utf-8") == text
            changed += not same
            print(f"{'same   ' if same else 'CHANGED'} {path.relative_to(REPO)}")
            if not same and not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
