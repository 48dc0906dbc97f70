"""Coverage-guided fuzzing of the readers with atheris (libFuzzer): no exception may escape.

    .venv/bin/python bench/fuzz_readers.py -atheris_runs=20000 [-max_total_time=120]

Each input's first byte picks a file name (``.txt``, ``.html``, ``.jsonl``, ``.json``,
``.xml``, ``.warc``, no extension), the rest is written to that file and read with
``read_path``. Any exception is a crash (libFuzzer stops and saves the input); an outcome
must be ingested with text or rejected with a reason. Needs ``pip install 'newsweave[bench]'``
(atheris ships wheels for Linux x86-64).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

NAMES = ("a.txt", "a.html", "a.jsonl", "a.json", "a.xml", "a.warc", "a")


def main() -> None:
    try:
        import atheris
    except ImportError:
        sys.exit("atheris is not installed: pip install 'newsweave[bench]'")
    with atheris.instrument_imports():
        from newsweave.ingest import IngestOptions, read_path
        from newsweave.model import IngestStatus
    options = IngestOptions(min_chars=1)
    folder = Path(tempfile.mkdtemp(prefix="newsweave-fuzz-"))

    def one(data: bytes) -> None:
        if not data:
            return
        path = folder / NAMES[data[0] % len(NAMES)]
        path.write_bytes(data[1:])
        for outcome in read_path(path, options):
            if outcome.status is IngestStatus.REJECTED:
                assert outcome.reason, outcome
                assert "internal error" not in outcome.reason, outcome.reason
            else:
                assert outcome.article is not None and outcome.article.text.strip(), outcome

    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
