"""Free text: the words of a curator's summary, description, topic or purpose that the record's quotes do not
support. Not errors: the review site underlines them and `coverage --fields` counts them, so that a reviewer
sees where a curator's words go beyond the text.

A word is supported when its stem (Snowball's English stemmer, through PyStemmer, its C build: "launched" and
"launch" are one) is the stem of a word of one of the record's quotes or of the label of a record it refers to.
English function words (articles, pronouns, auxiliaries, prepositions, conjunctions) carry no claim and are not
counted. Each file's candidates are found with its rows (`unsupported`), and those the labels of referred
records support are dropped across files when the build labels the records (`supported_by_labels`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# English function words: closed classes that carry no claim of their own
FUNCTION_WORDS = frozenset(
    """
a an the this that these those such
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
myself ourselves yourself yourselves himself herself itself themselves one ones
who whom whose which what where when why how whether
be am is are was were been being have has had having do does did doing done
will would shall should can could may might must ought
and or nor but yet so if then than as because while although though unless until since
of in on at by for with without within from to into onto upon over under above below between among amongst
about against across along around through throughout during before after behind beyond near per via
up down out off again further once here there all any both each either neither few more most other some
no not only own same too very just also s t
""".split()
)


@cache
def _stemmer():
    import Stemmer  # PyStemmer: imported only where free text is read

    return Stemmer.Stemmer("english")


def stems(words_: Iterable[str]) -> set[str]:
    return set(_stemmer().stemWords([w.lower() for w in words_]))


def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def words(text: str) -> list[str]:
    """The words of a text, in order."""
    return WORD.findall(text)


def content_words(text: str) -> list[str]:
    """The words of a text that are not function words (nor a lone letter), lower case, each once, in order."""
    return list(dict.fromkeys(w.lower() for w in words(text) if len(w) > 1 and w.lower() not in FUNCTION_WORDS))


def unsupported(text: str, support: Iterable[str]) -> list[str]:
    """The content words of `text` whose stem is the stem of no word of the `support` texts."""
    candidates = content_words(text)
    if not candidates:
        return []
    supported = stems(w for piece in support for w in words(piece))
    return [w for w, s in zip(candidates, _stemmer().stemWords(candidates), strict=True) if s not in supported]


def supported_by_labels(rows: list[dict], referred: dict[str, list[str]], labels: dict[str, str]) -> list[dict]:
    """The rows of unsupported words (record_id, field, word) less those whose stem stands in the label of a record
    the record refers to (`referred`: record id -> the ids it refers to)."""
    kept = []
    for row in rows:
        label_stems = stems(w for other in referred.get(row["record_id"], ()) for w in words(labels.get(other, "")))
        if stem(row["word"]) not in label_stems:
            kept.append(row)
    return kept
