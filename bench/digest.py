"""Building a digest for a day of 1,000 headlines, and the clustering step against a naive all-pairs one.

    python bench/digest.py [--headlines 1000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SUBJECTS = ["Trump", "Putin", "Erdogan", "Aliyev", "Macron", "Xi", "Netanyahu", "Zelensky", "Starmer", "Modi"]
VERBS = ["says", "warns", "urges", "rejects", "welcomes", "signs", "discusses", "announces"]
OBJECTS = ["Gaza ceasefire deal", "new trade tariffs", "energy corridor", "oil output cut", "peace talks",
           "border security plan", "grain export deal", "nuclear programme", "summit agenda", "sanctions package"]
TAILS = ["next week", "in Baku", "after talks", "at summit", "amid tension", "in phone call", "on Monday", ""]


def headlines(n: int, seed: int = 3) -> list[str]:
    """About n headlines telling n/3 stories: each story has names of its own and is told one to five times."""
    rng = random.Random(seed)

    def name() -> str:
        return "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)).capitalize()

    out: list[str] = []
    while len(out) < n:
        story = [rng.choice(SUBJECTS), rng.choice(OBJECTS), name(), name()]
        for _ in range(rng.randint(1, 5)):
            words = [story[0], rng.choice(VERBS), story[1], "in", story[2], "with", story[3], rng.choice(TAILS)]
            out.append(" ".join(w for w in words if w))
    return out[:n]


def naive_cluster(titles: list[str]) -> int:
    from feedsvc.digests.cluster import same_story, words

    sets = [words(t) for t in titles]
    parent = list(range(len(titles)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(titles)):
        for j in range(i + 1, len(titles)):
            if same_story(sets[i], sets[j]):
                parent[find(j)] = find(i)
    return len({find(i) for i in range(len(titles))})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--headlines", type=int, default=1000)
    args = parser.parse_args()
    from feedsvc.digests import jobs
    from feedsvc.digests.cluster import cluster
    from feedsvc.ingest import run as corpus
    from feedsvc.store import db
    from feedsvc.topics import sources
    from feedsvc.topics import taxonomy as topics

    titles = headlines(args.headlines)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "day"
        folder.mkdir()
        (folder / "day.jsonl").write_text("\n".join(json.dumps({
            "title": t, "source": "apa", "topics": ["politics"],
            "published": f"2025-07-05T{6 + k * 14 // args.headlines:02d}:{k % 60:02d}:00+00:00"})
            for k, t in enumerate(titles)) + "\n", encoding="utf-8")
        engine = db.make_engine(f"sqlite:///{tmp}/digest.sqlite3")
        db.upgrade(engine)
        taxonomy = topics.load()
        corpus.ingest(engine, [folder], sources=sources.load(None, "UTC"), taxonomy=taxonomy, max_bytes=10**8,
                      authority="bench.invalid")
        started = time.perf_counter()
        run = jobs.build_digest(engine, taxonomy, topic="politics", day=date(2025, 7, 5), zone=UTC,
                                now=datetime.now(UTC))
        build_s = time.perf_counter() - started
        d = run.record.digest
        print(f"digest build ({run.outcome}): {build_s * 1000:.0f} ms for {d.item_count} items "
              f"in {d.story_count} stories")
    started = time.perf_counter()
    stories = len(cluster(titles))
    fast = time.perf_counter() - started
    started = time.perf_counter()
    naive = naive_cluster(titles)
    slow = time.perf_counter() - started
    assert naive == stories, (naive, stories)
    print(f"clustering {len(titles)} headlines: {fast * 1000:.0f} ms, naive all-pairs {slow * 1000:.0f} ms "
          f"({slow / fast:.1f}x slower), same {stories} stories")


if __name__ == "__main__":
    main()
