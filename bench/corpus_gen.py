"""A synthetic corpus of news pages in the shapes feedsvc reads, for benchmarks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = ["minister", "president", "talks", "summit", "energy", "oil", "market", "storm", "flood", "court", "league", "champion", "ceasefire", "border", "budget", "parliament", "agreement", "company", "deal", "election", "region", "capital", "officials", "statement", "visit", "delegation", "trade", "export", "growth", "project", "railway", "corridor", "investment", "security", "army", "missile"]
PLACES = ["MOSCOW", "SOCHI", "ANKARA", "WASHINGTON", "BAKU", "LONDON", "TEHRAN"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _sentence(rng: random.Random, n: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _headline(rng: random.Random, n: int) -> str:
    return f"{' '.join(rng.choice(WORDS) for _ in range(6)).capitalize()} {n}"


def _newsline(rng: random.Random, stream: list[tuple[str, datetime]], at: int, size: int) -> list[str]:
    lines = ["News line", ""]
    for title, when in stream[max(0, at - size):at][::-1]:
        lines += [title, when.strftime("%H:%M %d.%m.%Y")]
    return lines + ["Hamısı"]


def page(rng: random.Random, n: int, stream: list[tuple[str, datetime]]) -> str:
    """One page; the shape rotates through TASS, Eurasia Diary, Anadolu, AP and AZERTAC styles."""
    when = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=7 * n)
    title = f"{_headline(rng, n)} story"
    body = [_sentence(rng) for _ in range(rng.randint(4, 9))]
    shape = n % 5
    if shape == 0:
        head = ["All news", "", title, "", _sentence(rng, 12)[:-1],
                "Officials at the meeting Alexander Shcherbak/TASS", "Officials at the meeting",
                "© Alexander Shcherbak/TASS", ""]
        body[0] = f"{rng.choice(PLACES)}, {MONTHS[when.month - 1]} {when.day}. /TASS/. {body[0]}"
    elif shape == 1:
        head = [title, "", f"Politics {when.strftime('%H:%M %d.%m.%Y')}", ""]
    elif shape == 2:
        head = ["Latest news", "", title, "", f"Economy | {when.strftime('%d.%m.%Y %H:%M')}", ""]
        body[0] = f"ANKARA, {MONTHS[when.month - 1]} {when.day} (AA) - {body[0]}"
    elif shape == 3:
        head = [title, "", "By Jane Doe", when.strftime("%B %d, %Y - %H:%M"), ""]
        body[0] = f"WASHINGTON (AP) — {body[0]}"
    else:
        head = ["Son xəbərlər", "", title, "", when.strftime("%d.%m.%Y %H:%M"), ""]
        body[0] = f"Baku, {when.day} {MONTHS[when.month - 1]}, AZERTAC. {body[0]}"
    tail = ["", "Also read: " + _headline(rng, n + 1), ""]
    text = head + "\n\n".join(body).split("\n") + tail
    if n % 2 == 0:
        text += [""] + _newsline(rng, stream, n // 2 + 40, 30)
    return "\n".join(text) + "\n"


def generate(folder: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` pages into ``folder`` (in subfolders of 1,000)."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    stream = [(_headline(rng, k) + " headline", start + timedelta(minutes=5 * k)) for k in range(count // 2 + 60)]
    for n in range(count):
        sub = folder / f"{n // 1000:04d}"
        if n % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"page{n:06d}.txt").write_text(page(rng, n, stream), encoding="utf-8")
