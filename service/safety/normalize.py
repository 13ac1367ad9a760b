"""Canonical form of a patient message for the safety patterns: one spelling for many ways of typing a word."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Messages longer than this are judged on their head and tail: a real question is short, and regexes over a
# megabyte of pasted text would make every request slow. The tail is kept because people often end with the point.
MAX_CHARS = 40_000
_HEAD, _TAIL = 30_000, 10_000

# Zero-width, bidi, joiner, variation-selector and tag characters: invisible, so they can split a word ("ki\u200bll")
# without the reader noticing.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f]"
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "`": "'", "\u00b4": "'", "\u02bc": "'",
                         "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u00bf": " ", "\u00a1": " "})

# Cyrillic and Greek letters that look Latin: only swapped inside words that also hold Latin letters, so Russian
# text stays Russian while "kіll" (Cyrillic i) becomes "kill".
_CONFUSABLES = str.maketrans("аеорсухіјѕԁӏαεικνορτυχ", "aeopcyxijsdlaeikvoptux")
_LATIN = re.compile("[a-z]")
_NON_ASCII_LETTER = re.compile("[^\x00-\x7f]")

# Digits and symbols used as letters ("d0se", "k3tamine", "m@x"); applied only inside words that mix letters and
# digits, so "100 mg", "70kg" and "160/100" keep their numbers.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a",
                       "$": "s", "!": "i", "|": "l", "+": "t"})
_MIXED_TOKEN = re.compile(r"[a-z0-9@$!|+]*[a-z][a-z0-9@$!|+]*")
_EDGES = re.compile(r"([!|+]*)(.*?)([!|+]*)", re.S)
_NUMBER_THEN_WORD = re.compile(r"\d+[a-z]+")
_LEET_LEAD = re.compile(r"[03][a-z]{3,}")
_NUMBER_WITH_UNIT = re.compile(r"\d+(?:st|nd|rd|th|s|mg|mgs|ml|mcg|g|kg|kgs|lb|lbs|am|pm|x|h|hr|hrs|min|mins|yo|k)")
_ORDINAL_OR_SHORTHAND = {"2day", "2nite", "2night", "2moro", "2morrow", "b4", "4u", "l8r", "gr8", "w8", "m8"}

# A word spelled out with separators, "d o s e" / "d.o.s.e" / "d-o-s-e", becomes "dose".
_SPACED_LETTERS = re.compile(r"(?<![\w])(?:[a-z0-9@$][ .\-_*]){2,}[a-z0-9@$](?![\w])")
# Masked letters ("d*se", "s_icide", "ma><imum") are resolved against the words the patterns care about.
_MASK = re.compile(r"[a-z]*[*_#?][a-z*_#?]*[a-z]+|[a-z]+[*_#][a-z*_#]*")

_RUNS = re.compile(r"([a-z])\1{2,}")
# Words whose double letter is real, so "killlll" becomes "kill" and "diiiie" becomes "die".
_DOUBLE_OK = frozenset(
    ["kill", "killing", "killed", "will", "still", "all", "ill", "well", "tell", "hell", "fall", "call", "feel", "feeling", "need", "needs", "sleep", "sleeping", "see", "too", "soon", "good", "goodbye", "off", "stuff", "really", "bleeding", "bleed", "free", "agree", "seem", "week", "weeks", "keep", "keeping", "stopped", "stopping", "dropped", "anymore", "happy", "sorry", "worry", "funny", "pills", "pill", "lozenges", "less", "miss", "missed", "pass", "passed", "across", "doing", "been", "seen", "cool", "boo", "poor", "door", "floor", "blood", "bloody", "toddler", "book", "look", "looking", "food", "mood", "summer", "hurry", "cannot", "coffee", "full", "sadd", "apply", "supply", "tomorrow", "attempt", "kittens", "add", "address", "bless", "chill", "dizzy", "fizzy", "fuzzy", "jazz", "buzz", "pizza", "butt", "hello", "yell", "bully", "silly", "puzzle", "little", "bottle", "settle", "mess", "dress", "kiss", "boss", "loss", "toss"]
)

# Whole-word rewrites: text-speak, apostrophe-less contractions and misspellings of words the patterns rely on.
_WORDS: dict[str, str] = {
    # text-speak
    "u": "you", "ur": "your", "r": "are", "ppl": "people", "pls": "please", "plz": "please", "plse": "please",
    "rn": "right now", "idk": "i do not know", "bc": "because", "cuz": "because", "coz": "because", "b4": "before",
    "tho": "though", "thru": "through", "tonite": "tonight", "2nite": "tonight", "2night": "tonight",
    "2day": "today", "2moro": "tomorrow", "2morrow": "tomorrow", "tmrw": "tomorrow", "tmr": "tomorrow",
    "tomorow": "tomorrow", "gonna": "going to", "wanna": "want to", "gotta": "got to", "tryna": "trying to",
    "finna": "going to", "ima": "i am going to", "imma": "i am going to", "lemme": "let me", "gimme": "give me",
    "pdoc": "psychiatrist", "okay": "ok", "okey": "ok",
    # contractions written without an apostrophe (the apostrophe forms are expanded first)
    "im": "i am", "ive": "i have", "dont": "do not", "cant": "cannot", "wont": "will not", "didnt": "did not",
    "doesnt": "does not", "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
    "shouldnt": "should not", "couldnt": "could not", "wouldnt": "would not", "havent": "have not",
    "hasnt": "has not", "whats": "what is", "thats": "that is", "theres": "there is", "hes": "he is",
    "shes": "she is", "youre": "you are", "theyre": "they are", "aint": "am not", "wheres": "where is",
    "hows": "how is", "whos": "who is", "lets": "let us", "youve": "you have", "theyve": "they have",
    # misspellings of words the patterns use
    "wnat": "want", "wan": "want", "whant": "want", "wnt": "want", "wana": "want to", "dei": "die",
    "ded": "dead", "kil": "kill", "kilm": "kill", "myslef": "myself", "mysef": "myself", "myeslf": "myself",
    "mself": "myself", "meself": "myself", "anymor": "anymore", "anymroe": "anymore", "evrything": "everything",
    "everythin": "everything", "thougts": "thoughts", "thoghts": "thoughts", "thots": "thoughts",
    "liveing": "living", "agian": "again", "agin": "again", "sesion": "session", "sesh": "session",
    "seshion": "session", "ketamin": "ketamine", "ketamene": "ketamine", "ketamie": "ketamine", "ket": "ketamine",
    "lozenje": "lozenge", "lozenjes": "lozenges", "lozange": "lozenge", "lozanges": "lozenges",
    "losenge": "lozenge", "losenges": "lozenges", "lozenger": "lozenge", "lozengers": "lozenges",
    "lozen": "lozenge", "lozengs": "lozenges", "trochee": "troche", "troshe": "troche",
    "doze": "dose", "dosege": "dosage", "dosaje": "dosage", "dossage": "dosage",
    "dossing": "dosing", "incrase": "increase", "increese": "increase", "encrease": "increase",
    "decrese": "decrease", "offen": "often", "ofen": "often", "alowed": "allowed", "shud": "should",
    "shld": "should", "shoud": "should", "sould": "should", "dubble": "double", "doubel": "double",
    "milagrams": "milligrams", "miligrams": "milligrams", "miligram": "milligram",
    "mgs": "mg", "usualy": "usually", "yestrday": "yesterday", "yesturday": "yesterday", "feelin": "feeling",
    "thinkin": "thinking", "mornin": "morning", "goin": "going", "doin": "doing", "takin": "taking",
    "tok": "took", "tuk": "took", "wak": "wake", "waek": "wake", "haveing": "having", "siezure": "seizure",
    "seizeure": "seizure", "sezure": "seizure", "siezing": "seizing", "od": "overdose",
    "oded": "overdosed", "odeed": "overdosed",
    "presure": "pressure", "preasure": "pressure", "treatmnet": "treatment", "treatmant": "treatment",
    "hav": "have", "befor": "before", "qualifiy": "qualify", "qualfy": "qualify", "alredy": "already",
    "breastfeding": "breastfeeding", "brestfeeding": "breastfeeding", "pregnet": "pregnant", "pregant": "pregnant",
    "prego": "pregnant", "bipoler": "bipolar", "manick": "manic", "swiching": "switching", "swich": "switch",
    "adderal": "adderall", "antidepresants": "antidepressants", "antidepresant": "antidepressant",
    "depresion": "depression", "dieing": "dying", "brethe": "breathe",
    "breth": "breathe", "breathin": "breathing", "suiside": "suicide", "sucide": "suicide", "suicde": "suicide",
    "suicid": "suicide", "suacide": "suicide", "sucidal": "suicidal", "suicidle": "suicidal",
    "suisidal": "suicidal", "suacidal": "suicidal", "suicdal": "suicidal", "sucicidal": "suicidal",
    "unalived": "unalive", "unaliving": "unaliving", "selfharm": "self harm",
    "self-harm": "self harm", "selfharming": "self harming", "kys": "kill yourself", "kms": "kill myself",
    "killmyself": "kill myself", "maxium": "maximum", "maximun": "maximum", "maxmum": "maximum",
    "minimun": "minimum", "halp": "help", "hlp": "help", "tonihgt": "tonight", "tonigth": "tonight",
    "nite": "night", "perscribe": "prescribe", "prescibe": "prescribe", "presribe": "prescribe",
    "medecine": "medicine", "medicin": "medicine", "medz": "meds", "medicaton": "medication",
}

# Two-word spellings of one word.
_PHRASES = [
    (re.compile(r"\bmy self\b"), "myself"), (re.compile(r"\bher self\b"), "herself"),
    (re.compile(r"\bhim self\b"), "himself"), (re.compile(r"\bsewer ?slide\b"), "suicide"),
    (re.compile(r"\bsewer ?sliding\b"), "suicide"), (re.compile(r"\bself ?-? ?harm"), "self harm"),
    (re.compile(r"\bun ?-? ?aliv(e|ing|ed)\b"), r"unaliv\1"), (re.compile(r"\bany more\b"), "anymore"),
    (re.compile(r"\bto many\b"), "too many"), (re.compile(r"\bto much\b"), "too much"),
    (re.compile(r"\bmg ?/ ?kg\b"), "mg per kg"), (re.compile(r"\bmilligrams? ?/ ?kg\b"), "mg per kg"),
    # "2" and "4" used as words: "want 2 die", "a good dose 4 me"; numbers elsewhere ("take 2 lozenges") stay.
    (re.compile(r"\b(want|wanted|going|need|have|has|had|got|like|able|try|trying|supposed|ready|wish|how|ok|safe|"
                r"fine|allowed|time) 2 (?=[a-z])"), r"\1 to "),
    (re.compile(r"\b4 (me|you|my|him|her|them|us|a|the|this|that|someone|beginners?)\b"), r"for \1"),
    # "1" as the pronoun: "can 1 take", "should 1 go up"
    (re.compile(r"\b(can|could|should|would|may|might|do|will|if|when|so|and|then) 1 (?=(?:take|go|get|have|do|dose|"
                r"use|up|double|skip|miss|increase|need|try|still|just|am|eat|drink|qualify|stop|switch)\b)"), r"\1 i "),
    # "dose" typed for "does" before a subject: "how dose ketamine work", "dose my insurance pay"
    (re.compile(r"(^|[.?!,;]\s*|\b(?:how|why|where|who|when|and|but|so)\s+)dose\s+(?=(?:it|ketamine|this|that|the|"
                r"my|your|he|she|they|insurance|everyone|anyone|someone|anybody|everybody|oral|iv|a|an)\b)"),
     r"\1does "),
]

# Words the patterns depend on, used to repair misspellings the tables above do not list (edit distance). Only
# long, distinctive words: a short word has real neighbours ("killing"/"billing", "qualify"/"quality").
_KEY_TERMS = ["suicide", "suicidal", "overdose", "overdosed", "overdosing", "ketamine", "lozenge", "lozenges", "milligrams", "maximum", "minimum", "increase", "decrease", "seizure", "unresponsive", "pregnant", "pregnancy", "breastfeeding", "antidepressant", "antidepressants", "dosage", "myself", "anymore", "tonight", "everything", "eligible", "medication", "medications", "thoughts", "prescription", "emergency", "unconscious", "sertraline", "lexapro", "wellbutrin"]
_KEY_SET = frozenset(_KEY_TERMS)
# Real words within one or two edits of a key term, left alone.
_NOT_TYPOS = frozenset(
    ["overdone", "decease", "decreased", "increased", "seizures", "thought", "though", "through", "throughs", "dosages", "tonights", "himself", "herself", "yourself", "itself", "increases", "decreases", "pregnancies", "medicated", "medicating", "meditation", "meditations", "eligibility", "maximus", "minimus", "conscious", "emergence", "emergent"]
)


def _fold_latin(text: str) -> str:
    """Strips accents from Latin letters only (Spanish without accents is common; Hindi or Korean must stay)."""
    out = []
    for ch in text:
        if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
            out.append(base or ch)
        else:
            out.append(ch)
    return "".join(out)


def _unconfuse(match: re.Match[str]) -> str:
    word = match.group(0)
    return word.translate(_CONFUSABLES) if _LATIN.search(word) and _NON_ASCII_LETTER.search(word) else word


def _deleet(match: re.Match[str]) -> str:
    token = match.group(0)
    lead, core, trail = _EDGES.fullmatch(token).groups()  # type: ignore[union-attr]
    if core.isalpha() or core in _ORDINAL_OR_SHORTHAND or _NUMBER_WITH_UNIT.fullmatch(core):
        return token
    if not any(c.isdigit() or c in "@$!|+" for c in core):
        return token
    if sum(c.isalpha() for c in core) < 2 and len(core) <= 2:
        return token  # "2x", "a1": too short to be a disguised word
    # "12weeks", "4ever": a number written against a word, not a disguise; "0verdose" and "3nd" are disguises
    if _NUMBER_THEN_WORD.fullmatch(core) and not _LEET_LEAD.fullmatch(core):
        return token
    return lead + core.translate(_LEET) + trail


def _join_spaced(match: re.Match[str]) -> str:
    chars = re.sub(r"[ .\-_*]", "", match.group(0))
    if sum(c.isalpha() for c in chars) < 2 or chars.isdigit():
        return match.group(0)
    joined = chars.translate(_LEET)
    # single letters such as "i m a" are ordinary words; only join when the result is a word we know about
    return joined if joined in _KNOWN_JOINABLE or joined in _KEY_SET else match.group(0)


_KNOWN_JOINABLE = frozenset(
    ["dose", "doses", "dosage", "dosing", "max", "maximum", "kill", "die", "dead", "suicide", "suicidal", "mg", "amount", "ketamine", "lozenge", "lozenges", "overdose", "unalive", "help", "kms"]
)


@lru_cache(maxsize=4096)
def _unmask(token: str) -> str:
    pattern = re.compile("".join("[a-z]{0,2}" if c in "*_#?" else re.escape(c) for c in token))
    hits = [w for w in _MASK_VOCAB if pattern.fullmatch(w)]
    return hits[0] if len(hits) == 1 else token


_MASK_VOCAB = tuple(sorted(_KNOWN_JOINABLE | _KEY_SET | {"myself", "take", "much", "many", "often"}))


def _collapse_runs(token: str) -> str:
    if not _RUNS.search(token):
        return token
    single = _RUNS.sub(r"\1", token)
    double = _RUNS.sub(r"\1\1", token)
    if double in _DOUBLE_OK or double in _KEY_SET:
        return double
    return single


@lru_cache(maxsize=65536)
def _fix_word(token: str) -> str:
    token = _collapse_runs(token)
    if token in _WORDS:
        return _WORDS[token]
    if len(token) < 6 or token in _KEY_SET or token in _NOT_TYPOS or not token.isalpha():
        return token
    best, best_d = token, 3
    for term in _KEY_TERMS:
        if abs(len(term) - len(token)) > 2 or term[0] != token[0] and term[1:3] != token[1:3]:
            continue
        limit = 1 if len(term) <= 7 else 2
        d = _distance(token, term, limit)
        if d <= limit and d < best_d:
            best, best_d = term, d
    return best


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), stopping early past `limit`."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


_APOSTROPHE_FORMS = [
    (re.compile(r"\bi'm\b"), "i am"), (re.compile(r"\bi'll\b"), "i will"), (re.compile(r"\bi'd\b"), "i would"),
    (re.compile(r"\bi've\b"), "i have"), (re.compile(r"\b(it|that|what|there|he|she|who|where|how)'s\b"), r"\1 is"),
    (re.compile(r"\b(we|they|you|he|she|it)'ll\b"), r"\1 will"), (re.compile(r"\b(we|they|you)'re\b"), r"\1 are"),
    (re.compile(r"\b(we|they|you)'ve\b"), r"\1 have"), (re.compile(r"\bcan't\b"), "cannot"),
    (re.compile(r"\bwon't\b"), "will not"), (re.compile(r"\bain't\b"), "am not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"), (re.compile(r"\bod'?(?:ed|d)\b"), "overdosed"),
    (re.compile(r"\bod'?ing\b"), "overdosing"), (re.compile(r"'"), ""),
]
_WORD = re.compile(r"[a-z]+")
_WITH = re.compile(r"\bw/ ?")
_SPACE = re.compile(r"\s+")


def clip(text: str) -> str:
    """The part of a very long message that is analysed: its head and its tail."""
    if len(text) <= MAX_CHARS:
        return text
    return text[:_HEAD] + " \n " + text[-_TAIL:]


def clean(text: str) -> str:
    """Unicode clean-up only (NFKC, no invisible/control/surrogate characters): safe to show or embed."""
    text = _SURROGATES.sub("", clip(text))
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def normalize(text: str) -> str:
    """The canonical lowercase form the patterns are written against."""
    text = clean(text).casefold().translate(_QUOTES)
    text = re.sub(r"\w+", _unconfuse, text)
    text = _fold_latin(text)
    text = text.replace("><", "x").replace("}{", "x").replace(")(", "x").replace("|\\|", "n").replace("/\\", "a")
    text = _SPACED_LETTERS.sub(_join_spaced, text)
    text = _MIXED_TOKEN.sub(_deleet, text)
    text = _MASK.sub(lambda m: _unmask(m.group(0)), text)
    text = text.replace("_", " ").replace(" & ", " and ").replace(" + ", " and ").replace("w/o ", "without ")
    text = _WITH.sub("with ", text)
    for pattern, repl in _APOSTROPHE_FORMS:
        text = pattern.sub(repl, text)
    text = _WORD.sub(lambda m: _fix_word(m.group(0)), text)
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    return _SPACE.sub(" ", text).strip()
