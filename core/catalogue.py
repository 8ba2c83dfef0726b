"""The French catalogue (locale/fr/LC_MESSAGES/django.po): the UI is written in French, so the catalogue's
work is the plurals.

The messages are French already: a singular entry may stay empty (gettext then shows the message itself).
A plural entry may not: without its two forms, gettext falls back to the English rule and writes
"0 messages". `fill_plurals` gives each plural entry its two forms (the singular written in the code for
0 and 1, the plural for 2 and more, as `Plural-Forms: nplurals=2; plural=(n > 1);` says), drops the
"fuzzy" guesses `makemessages` leaves when a message changed, and keeps the header French.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

PLURAL_FORMS = "nplurals=2; plural=(n > 1);"


@dataclass
class Entry:
    """One entry of a .po file, as its lines; `fields` maps a keyword (msgid, msgstr[0]…) to its quoted lines."""

    comments: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def text(self, key: str) -> str:
        return "".join(ast.literal_eval(line) for line in self.fields.get(key, []))

    @property
    def is_header(self) -> bool:
        return "msgid" in self.fields and self.text("msgid") == "" and "msgctxt" not in self.fields

    @property
    def is_plural(self) -> bool:
        return "msgid_plural" in self.fields

    @property
    def is_fuzzy(self) -> bool:
        return any(line.startswith("#,") and "fuzzy" in line for line in self.comments)

    def drop_fuzzy(self) -> None:
        kept = []
        for line in self.comments:
            if line.startswith("#|"):
                continue  # the previous message msgmerge remembered for a fuzzy guess
            if line.startswith("#,"):
                flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
                if not flags:
                    continue
                line = "#, " + ", ".join(flags)
            kept.append(line)
        self.comments = kept

    def set(self, key: str, lines: list[str]) -> None:
        if key not in self.fields:
            self.order.append(key)
        self.fields[key] = list(lines)

    def render(self) -> str:
        out = list(self.comments)
        for key in self.order:
            lines = self.fields[key]
            out.append(f"{key} {lines[0]}")
            out.extend(lines[1:])
        return "\n".join(out)


def parse(text: str) -> list[Entry]:
    entries = []
    for block in text.strip("\n").split("\n\n"):
        entry = Entry()
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                entry.comments.append(line)
            elif line.startswith('"'):
                entry.fields[key].append(line)
            elif line.strip():
                key, _, rest = line.partition(" ")
                entry.order.append(key)
                entry.fields[key] = [rest]
        entries.append(entry)
    return entries


def render(entries: list[Entry]) -> str:
    return "\n\n".join(entry.render() for entry in entries) + "\n"


def _fix_header(entry: Entry) -> None:
    lines = entry.text("msgstr").split("\n")
    wanted = {"Language": "fr", "Plural-Forms": PLURAL_FORMS}
    fixed = []
    for line in lines:
        name, sep, _value = line.partition(": ")
        if sep and name in wanted:
            line = f"{name}: {wanted.pop(name)}"
        fixed.append(line)
    fixed[-1:-1] = [f"{name}: {value}" for name, value in wanted.items()]  # before the final empty string
    entry.set("msgstr", ['""', *(f'"{line}\\n"' for line in fixed if line)])
    entry.drop_fuzzy()


def fill_plurals(text: str) -> tuple[str, int]:
    """The .po text with every plural entry given its two forms (and no fuzzy guess); how many were filled."""
    entries = parse(text)
    filled = 0
    for entry in entries:
        if entry.is_header:
            _fix_header(entry)
            continue
        if entry.is_fuzzy:
            entry.drop_fuzzy()
            if not entry.is_plural:
                entry.set("msgstr", ['""'])
        if entry.is_plural and (
            entry.text("msgstr[0]") != entry.text("msgid") or entry.text("msgstr[1]") != entry.text("msgid_plural")
        ):
            entry.set("msgstr[0]", entry.fields["msgid"])
            entry.set("msgstr[1]", entry.fields["msgid_plural"])
            filled += 1
    return render(entries), filled


def fill_plurals_in(path: Path) -> int:
    text, filled = fill_plurals(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return filled
