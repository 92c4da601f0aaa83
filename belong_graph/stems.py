"""The words of a text as the catalogue's search compares them: folded, stemmed, sorted.

A word is a run of letters and digits, apostrophes dropped ("Everybody’s" is one word), in
lower case without accents ("société" is "societe"). Common function words (:data:`STOP_WORDS`)
are left out, of a text and of a query alike, so "guidance on migration" asks for two words.
Each word is reduced to its stem by the Snowball English stemmer (PyStemmer, the Snowball C
library), then by one rule of ours (:func:`stem`), because Snowball keeps apart the words of
one family that a reader takes for one: "migration" -> "migrat" and "migrants" -> "migrant".
The rule cuts a final "ant" or "at" from a stem that keeps at least four letters, so "migrat"
and "migrant" are both "migr" (as are "migrate", "migrating", "migrated"), while "immigration"
and "immigrants" are "immigr": a search for "migration" does not find "immigration". It costs
little elsewhere ("format" is "form", "combat" "comb"; "plant", "grant", "relat" and "creat"
keep theirs, being short).

A resource's search text (``bel:searchText``, rules/75) is its words' stems, each once, sorted,
between spaces: ``" 2022 communiti migr uk "``. A query's words (:func:`query_words`) are
written the same way without the outer spaces (``"2022 migr"``), and the views find a resource
whose text holds every one of them as a whole word, in SPARQL (a regular expression of the
words in order, which sorting makes possible) and in the catalogue index (each word's
resources), so both agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

STOP_WORDS = frozenset(
    ("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
     "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were",
     "with")
)  # fmt: skip
CUT_ENDINGS = ("ant", "at")  # our rule, after Snowball's
SHORTEST = 4  # letters a stem keeps after the rule
_APOSTROPHES = re.compile("['\u2019\u02bc\u2018]")  # apostrophes, quotes used as ones
_WORD = re.compile(r"[^\W_]+")
_ENGLISH = Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """The stems of the words of ``text``, in their order, stop words left out."""
    folded = _fold(_APOSTROPHES.sub("", text))
    return [stem(word) for word in _WORD.findall(folded) if word not in STOP_WORDS]


def search_text(texts: Iterable[str]) -> str:
    """A resource's search text: the stems of the words of ``texts``, each once, sorted,
    between spaces (a single space if there are none, which no query matches)."""
    found = sorted({w for text in texts for w in words(text)})
    return f" {' '.join(found)} " if found else " "


def query_words(query: str) -> str:
    """The stems of the words of ``query``, each once, sorted, between single spaces ("" if
    it has none): what a view's ``keyword`` is bound to."""
    return " ".join(sorted(set(words(query))))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of a folded ``word``: Snowball English's, then a final "ant" or "at" cut if
    :data:`SHORTEST` letters remain."""
    stemmed: str = _ENGLISH.stemWord(word)
    for ending in CUT_ENDINGS:
        if stemmed.endswith(ending) and len(stemmed) - len(ending) >= SHORTEST:
            return stemmed[: -len(ending)]
    return stemmed


def _fold(text: str) -> str:
    """``text`` in lower case without accents (its marks dropped after compatibility
    decomposition, so "ﬁ" is "fi" and "²" is "2")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
