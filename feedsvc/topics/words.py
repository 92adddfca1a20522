"""Words as the lexicon sees them: tokens of a text, and the keys (stems) a token is looked up by.

Languages Snowball has a stemmer for are stemmed (PyStemmer). Ukrainian, Azerbaijani, Kazakh, Uzbek and
the rest are written in the lexicon as stems and matched as a bounded prefix: the stem, then at most a
few letters of ending, so ``prezident`` finds ``prezidentinin`` but a stem never swallows a longer word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import Stemmer

# Snowball's Turkish stemmer cuts the same word differently by its ending (seçim, seç), so Turkish is
# matched by prefix like its neighbours.
STEMMED = {"en": "english", "ru": "russian", "de": "german", "fr": "french", "es": "spanish", "it": "italian"}
# Letters of ending a bounded-prefix stem may take, by language (agglutinative languages take more).
ENDINGS = {"az": 7, "tr": 7, "kk": 7, "uz": 7, "ky": 7, "uk": 4, "be": 4}
DEFAULT_ENDINGS = 3
MIN_STEM = 3

TOKEN = re.compile(r"[^\W_]+(?:['’`][^\W_]+)?")
APOSTROPHE = re.compile(r"['’`]")


def tokens(text: str) -> list[str]:
    """Words of ``text`` as printed; a Turkish or Azerbaijani suffix after an apostrophe stays on its word,
    a French or Italian elision before one is dropped (``l’élu`` is ``élu``)."""
    out = TOKEN.findall(text)
    for i, word in enumerate(out):
        head = APOSTROPHE.split(word, 1)[0]
        if head != word and len(head) <= 2:
            out[i] = word[len(head) + 1:]
    return out


def fold(word: str) -> str:
    """Case-folded, apostrophes dropped, Turkish dotted capital I folded to i."""
    return APOSTROPHE.sub("", word.replace("İ", "i").casefold()).replace("i̇", "i")


@dataclass(frozen=True)
class Keys:
    """How tokens of one language are turned into lookup keys."""

    language: str
    stemmer: Stemmer.Stemmer | None
    endings: int
    memo: dict[str, tuple[str, ...]]

    def of(self, word: str) -> tuple[str, ...]:
        """Lookup keys of one printed word: ``^WORD`` as printed, ``=word`` folded, and its stems."""
        found = self.memo.get(word)
        if found is not None:
            return found
        folded = fold(word)
        keys = ["^" + word, "=" + folded]
        if self.stemmer is not None:
            keys.append(self.stemmer.stemWord(folded))
        else:
            keys += [folded[:n] for n in range(max(MIN_STEM, len(folded) - self.endings), len(folded) + 1)]
        head = APOSTROPHE.split(word, 1)[0]
        if head != word:  # Russia's, Rusya'nın: the word before its suffix too
            keys += [k for k in self.of(head) if k not in keys]
        if len(self.memo) > 50_000:
            self.memo.clear()
        self.memo[word] = result = tuple(keys)
        return result

    def entry(self, term: str) -> str:
        """The key a lexicon word is stored under: ``^UN`` in capitals, ``=form`` exact, else its stem.

        A trailing ``~`` (a weak word) is not part of the key.
        """
        term = term.removesuffix("~")
        if term.endswith("="):
            return "=" + fold(term[:-1])
        letters = [c for c in term if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            return "^" + term
        folded = fold(term)
        if self.stemmer is not None:
            return self.stemmer.stemWord(folded)
        return folded


_KEYS: dict[str, Keys] = {}


def keys_for(language: str) -> Keys:
    """The (shared, memoised) key maker of ``language``."""
    found = _KEYS.get(language)
    if found is None:
        algorithm = STEMMED.get(language)
        found = _KEYS[language] = Keys(language, Stemmer.Stemmer(algorithm) if algorithm else None,
                                       ENDINGS.get(language, DEFAULT_ENDINGS), {})
    return found
