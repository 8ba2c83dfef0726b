"""Small pieces of French grammar for letters: "X, Y et Z", and "de la Région" / "du Département"."""

from collections.abc import Iterable

# The first word of a body's name and the article it takes after "de" (names are written without it:
# "Région Hauts-de-France", "Ville de Roubaix", "Département du Nord").
_FEMININE = {
    "agence",
    "association",
    "banque",
    "caf",
    "caisse",
    "chambre",
    "collectivité",
    "communauté",
    "commune",
    "direction",
    "fondation",
    "maison",
    "mairie",
    "métropole",
    "mission",
    "mutualité",
    "préfecture",
    "région",
    "société",
    "ville",
}
_MASCULINE = {
    "bailleur",
    "commissariat",
    "conseil",
    "département",
    "fonds",
    "groupe",
    "ministère",
    "office",
    "secrétariat",
    "syndicat",
}
_VOWELS = set("aeiouyàâéèêëîïôûù")


def join_list(items: Iterable[str]) -> str:
    """ "X", "X et Y", "X, Y et Z": the French way of listing (no comma before "et")."""
    items = [str(item) for item in items if str(item).strip()]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def of_name(name: str) -> str:
    """ "de" with the article a body's name takes: "de la Région Hauts-de-France", "du Département du Nord",
    "de l'État", "de Vilogia" (a proper name without a known first word takes none)."""
    name = (name or "").strip()
    lowered = name.lower()
    for article, contracted in (("la ", "de la "), ("le ", "du "), ("les ", "des "), ("l'", "de l'"), ("l’", "de l’")):
        if lowered.startswith(article):
            return contracted + name[len(article) :]
    first = lowered.split(" ", 1)[0].split("-", 1)[0]
    if first in _FEMININE or first in _MASCULINE:
        if first[0] in _VOWELS:
            return f"de l'{name}"
        return f"de la {name}" if first in _FEMININE else f"du {name}"
    if first in {"état", "etat", "europe", "union"}:
        return f"de l'{name}"
    if lowered[:1] in _VOWELS:
        return f"d'{name}"
    return f"de {name}"


def of_names(names: Iterable[str]) -> str:
    """ "de la Région Hauts-de-France et de la Ville de Roubaix" (as in "avec le soutien …"); "" for none."""
    return join_list(of_name(name) for name in names if str(name).strip())
