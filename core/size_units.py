"""Sizes say "Ko" and "Mo", as French readers write them, not "Kio" and "Mio" (Django's own French catalogue).

These are the messages of Django's `filesizeformat`: declared here, `makemessages` keeps them in
locale/fr/LC_MESSAGES/django.po, where they are translated, and the project's catalogue wins over Django's.
"""

from django.utils.translation import gettext_noop

FILESIZE_UNITS = (
    gettext_noop("%s KB"),
    gettext_noop("%s MB"),
    gettext_noop("%s GB"),
    gettext_noop("%s TB"),
    gettext_noop("%s PB"),
)
