"""The Dutch catalogue is complete, compiled and covers every string marked for translation.

The UI source strings are English; Dutch (``nl``) is the default language. A template or Python
string that is marked for translation but has no Dutch translation fails here, and so does an
obviously untranslated piece of text in a template. Only the last (smoke) test needs the
database.

After adding or changing strings::

    .venv/bin/python manage.py makemessages -l nl -l en --ignore=.venv --ignore=static \
        --ignore=bench --ignore=tests --ignore=scripts --no-location
    # translate locale/nl/LC_MESSAGES/django.po (no empty msgstr, no "#, fuzzy")
    .venv/bin/python manage.py compilemessages --ignore=.venv
"""

from __future__ import annotations

import gettext as gettext_module
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)
NL_PO = BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
NL_MO = NL_PO.with_suffix(".mo")
TEMPLATES_DIR = BASE_DIR / "templates"

# Directories that `makemessages` extracts from (the project's own code; see the module docstring).
SOURCE_DIRS = ("accounts", "matching", "notifications", "taxonomy", "config", "templates", "catalogue")


# --- A small .po reader (polib is not a dependency) -------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def label(self) -> str:
        ctxt = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"line {self.line}: {ctxt}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')


def _unquote(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header (msgid "") included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current, flags, target
        if current is not None:
            entries.append(current)
        current, flags, target = None, set(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, body = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
                finish()  # an entry without a blank line in between
            if current is None:
                current = Entry(flags=flags, line=number)
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                current.msgstr[target[1]] = body
            else:
                target = (keyword, 0)
                setattr(current, keyword, body)
        elif line.startswith('"') and current is not None and target is not None:
            body = _unquote(line[1:-1])
            if target[0] == "msgstr":
                current.msgstr[target[1]] += body
            else:
                setattr(current, target[0], getattr(current, target[0]) + body)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    """Everything except the header."""
    return [e for e in entries if e.msgid != ""]


@pytest.fixture(scope="module")
def nl_entries() -> list[Entry]:
    assert NL_PO.exists(), f"{NL_PO} is missing: run makemessages -l nl"
    return parse_po(NL_PO)


# --- (a) the Dutch catalogue is complete -------------------------------------------------------


def test_nl_catalogue_has_no_empty_translations(nl_entries: list[Entry]) -> None:
    empty = []
    for entry in messages(nl_entries):
        forms = [0, 1] if entry.msgid_plural is not None else [0]
        if any(not entry.msgstr.get(form, "").strip() for form in forms):
            empty.append(entry.label)
    assert not empty, f"{len(empty)} untranslated entries in {NL_PO}:\n" + "\n".join(empty)


def test_nl_catalogue_has_no_fuzzy_entries(nl_entries: list[Entry]) -> None:
    fuzzy = [entry.label for entry in nl_entries if "fuzzy" in entry.flags]
    assert not fuzzy, "Check and un-fuzzy these entries:\n" + "\n".join(fuzzy)


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|%%|\{\{\s*\w+\s*\}\}")


def test_nl_translations_keep_their_placeholders(nl_entries: list[Entry]) -> None:
    wrong = []
    for entry in messages(nl_entries):
        sources = (
            {0: entry.msgid, 1: entry.msgid_plural} if entry.msgid_plural is not None else {0: entry.msgid}
        )
        for form, source in sources.items():
            expected = sorted(_PLACEHOLDER.findall(source))
            found = sorted(_PLACEHOLDER.findall(entry.msgstr.get(form, "")))
            # A singular may say "one" instead of %(counter)s; every other placeholder must stay.
            if form == 0 and entry.msgid_plural is not None:
                expected = [p for p in expected if "counter" not in p]
                found = [p for p in found if "counter" not in p]
            if expected != found:
                wrong.append(f"{entry.label}: {expected} != {found}")
    assert not wrong, "Placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_nl_header_declares_dutch_plurals(nl_entries: list[Entry]) -> None:
    header = next(e for e in nl_entries if e.msgid == "").msgstr[0]
    assert "Language: nl\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    assert "charset=UTF-8" in header


# --- (b) the compiled .mo matches the .po -------------------------------------------------------


def test_nl_mo_matches_po(nl_entries: list[Entry]) -> None:
    assert NL_MO.exists(), f"{NL_MO} is missing: run compilemessages"
    with NL_MO.open("rb") as handle:
        catalogue = gettext_module.GNUTranslations(handle)
    stale = []
    for entry in messages(nl_entries):
        if "fuzzy" in entry.flags:
            continue  # not compiled; test (a) reports it
        if entry.msgid_plural is not None:
            if entry.msgctxt is None:
                got = [catalogue.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            else:
                got = [catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            want = [entry.msgstr.get(0, ""), entry.msgstr.get(1, "")]
        else:
            if entry.msgctxt is None:
                got = [catalogue.gettext(entry.msgid)]
            else:
                got = [catalogue.pgettext(entry.msgctxt, entry.msgid)]
            want = [entry.msgstr.get(0, "")]
        # gettext falls back to the msgid for an empty msgstr, as does the .mo.
        want = [
            w or src for w, src in zip(want, [entry.msgid, entry.msgid_plural or entry.msgid], strict=False)
        ]
        if got != want:
            stale.append(entry.label)
    assert not stale, f"{NL_MO} is older than the .po: run compilemessages. Differs for:\n" + "\n".join(stale)


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="msgfmt (gettext) is not installed")
def test_nl_po_compiles_cleanly(tmp_path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(NL_PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("msgid", "dutch"),
    [
        ("Guest lesson", "Gastles"),
        ("Company visit", "Bedrijfsbezoek"),
        ("Internship place", "Stageplaats"),
        ("Teacher internship", "Docentstage"),
        ("Log in", "Inloggen"),
        ("Notifications", "Meldingen"),
        ("Autumn break", "Herfstvakantie"),
        ("North-West", "Noordwest"),
        ("KvK number", "KvK-nummer"),
    ],
)
def test_django_serves_the_dutch_translation(msgid: str, dutch: str) -> None:
    with translation.override("nl"):
        assert translation.gettext(msgid) == dutch
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


def test_django_serves_dutch_plurals() -> None:
    with translation.override("nl"):
        one = translation.ngettext("%(counter)s result", "%(counter)s results", 1) % {"counter": 1}
        many = translation.ngettext("%(counter)s result", "%(counter)s results", 3) % {"counter": 3}
    assert (one, many) == ("1 resultaat", "3 resultaten")


def test_dutch_is_the_default_language() -> None:
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "en"]
    assert BASE_DIR / "locale" in [Path(p) for p in settings.LOCALE_PATHS]


# --- (c) every marked string is in the committed catalogue ---------------------------------------


def _gettext_tools_missing() -> list[str]:
    return [tool for tool in ("xgettext", "msguniq", "msgmerge", "msgattrib") if not shutil.which(tool)]


def _project_source_dirs() -> list[str]:
    """The listed directories plus any other local app in INSTALLED_APPS (so new apps are covered)."""
    names = list(SOURCE_DIRS)
    for app in settings.INSTALLED_APPS:
        top = app.split(".")[0]
        if top not in names and (BASE_DIR / top).is_dir():
            names.append(top)
    return names


@pytest.mark.skipif(bool(_gettext_tools_missing()), reason="GNU gettext tools (xgettext) are not installed")
def test_every_marked_string_is_in_the_nl_catalogue(tmp_path: Path, nl_entries: list[Entry]) -> None:
    copy = tmp_path / "project"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.po")
    for name in _project_source_dirs():
        shutil.copytree(BASE_DIR / name, copy / name, ignore=ignore)
    shutil.copy2(BASE_DIR / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(copy)}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-location", "--verbosity", "0"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    extracted = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    assert extracted.exists(), result.stdout + result.stderr

    wanted = {entry.key: entry for entry in messages(parse_po(extracted))}
    assert wanted, "makemessages found no strings at all"
    have = {entry.key: entry for entry in messages(nl_entries)}
    missing = sorted(wanted.keys() - have.keys(), key=lambda key: (key[0] or "", key[1]))
    assert not missing, (
        f"{len(missing)} strings are marked for translation but missing from {NL_PO}; run makemessages "
        "and translate them:\n" + "\n".join(repr(msgid) for _ctxt, msgid in missing)
    )
    plural_changed = [
        entry.label
        for key, entry in wanted.items()
        if key in have and entry.msgid_plural != have[key].msgid_plural
    ]
    assert not plural_changed, "Plural forms changed; run makemessages:\n" + "\n".join(plural_changed)


# --- (d) templates have no obviously untranslated text -----------------------------------------

# Text that is the same in every language: brand and network names, codes, units, endonyms.
ALLOWED_TEXT = (
    "Techniekpact Match",
    "Techniekpact",
    "Match",  # the brand in the header: "Techniekpact <strong>Match</strong>"
    "Jet-Net",
    "TechNet",
    "BRIN",
    "KvK",
    "VOG",
    "SBB",
    "BOL",
    "BBL",
    "crebo",
    "API",
    "Nederlands",  # language names in their own language (the NL/EN switch)
    "English",
    "NL",
    "EN",
    "km",
)

_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.S)
_BLOCKTRANSLATE = re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
_TRANSLATE = re.compile(r"\{%\s*trans(?:late)?\b.*?%\}", re.S)
_TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_VISIBLE_ATTRIBUTE = re.compile(
    r"""\b(title|alt|placeholder|aria-label|aria-description|data-confirm)\s*=\s*(["'])(.*?)\2""", re.S | re.I
)
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.I)
_WORD = re.compile(r"[^\W\d_]{3,}")


def untranslated_text(source: str) -> list[str]:
    """Pieces of user-visible text in a template that are not inside a translation tag."""
    text = _COMMENT.sub(" ", source)
    text = _BLOCKTRANSLATE.sub(" ", text)
    text = _TRANSLATE.sub(" ", text)
    text = _TEMPLATE_SYNTAX.sub(" ", text)
    text = _SCRIPT_OR_STYLE.sub(" ", text)
    pieces = [value for _name, _quote, value in _VISIBLE_ATTRIBUTE.findall(text)]
    pieces += _TAG.split(text)
    found = []
    for piece in pieces:
        cleaned = _ENTITY.sub(" ", piece)
        for allowed in sorted(ALLOWED_TEXT, key=len, reverse=True):
            cleaned = re.sub(rf"(?<!\w){re.escape(allowed)}(?!\w)", " ", cleaned)
        if _WORD.search(cleaned):
            found.append(" ".join(piece.split()))
    return found


def _templates() -> list[Path]:
    return sorted(p for pattern in ("*.html", "*.txt") for p in TEMPLATES_DIR.rglob(pattern))


def test_template_scanner_flags_plain_text_only() -> None:
    template = (
        '{% load i18n %}<h1 title="Hello there">{% translate "Fine" %}</h1>\n'
        "<p>{% blocktranslate with n=x %}Also {{ n }} fine{% endblocktranslate %} Not fine</p>\n"
        "{# a comment #}<span>Techniekpact Match · BRIN · {{ value }} · 12 km →</span>"
        '<script>let ignored = "script";</script>{% comment %}Ignored{% endcomment %}'
    )
    assert untranslated_text(template) == ["Hello there", "Not fine"]


def test_templates_have_no_untranslated_text() -> None:
    templates = _templates()
    assert templates, f"no templates found under {TEMPLATES_DIR}"
    problems = [
        f"{path.relative_to(BASE_DIR)}: {text!r}"
        for path in templates
        # 500.html is plain bilingual HTML on purpose: it must render when the app itself is broken.
        if path.name != "500.html"
        for text in untranslated_text(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "Wrap this text in {% translate %} / {% blocktranslate %}:\n" + "\n".join(problems)


# --- Smoke test: pages come out in Dutch (this one needs the database) --------------------------


@pytest.mark.django_db
def test_pages_render_in_dutch_by_default(cast, client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.force_login(cast.teacher)
    for url in ("/dashboard/", "/offers/", "/matches/", "/notifications/"):
        html = client.get(url).content.decode()
        assert '<html lang="nl">' in html, url
        assert "Uitloggen" in html and "Meldingen" in html, url
        assert "Log out" not in html and "Skip to content" not in html, url
