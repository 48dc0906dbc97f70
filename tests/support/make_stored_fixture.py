"""Write tests/golden/stored-v1.json: what the store keeps for the example corpus, as written
by the codec of store schema v1 (the annotations JSON of each article at both depths, its
embedding, and each story's cached brief JSON), byte for byte.

    .venv/bin/python -m tests.support.make_stored_fixture

The file is a frozen sample of the stored format: tests/test_stored_format.py checks that
today's code reads it and writes the same bytes back. Regenerate it only when the stored
format changes on purpose (and then existing stores need a migration).
"""

from __future__ import annotations

import json
import sys

from newsweave.codec import annotations_to_dict, article_to_dict, brief_to_dict, embedding_to_b64
from newsweave.model import AnnotatedArticle
from newsweave.pipeline import ingest, stored_brief
from newsweave.store import MemoryStore
from tests.support.golden import GOLDEN, REPO, _working_dir

FIXTURE = GOLDEN / "stored-v1.json"


def _compact(data: object) -> str:
    """The JSON text the SQLite store writes for annotations and briefs."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _row(item: AnnotatedArticle) -> dict[str, str]:
    return {
        "article": _compact(article_to_dict(item.article)),
        "annotations": _compact(annotations_to_dict(item)),
        "embedding": embedding_to_b64(item.embedding),
    }


def main() -> int:
    with _working_dir(REPO), MemoryStore() as store:
        ingest(["examples"], store)
        lead = [_row(i) for i in store.articles()]
        briefs = {
            s.story_id: _compact(brief_to_dict(stored_brief(store, s.story_id)))
            for s in store.stories()
        }
        full = [_row(i) for i in store.articles()]
    data = {"lead": lead, "full": full, "briefs": briefs}
    FIXTURE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE.relative_to(REPO)}: {len(lead)} articles, {len(briefs)} briefs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
