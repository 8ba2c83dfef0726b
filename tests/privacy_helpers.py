"""What the personal-data tests share: the two account pages' addresses."""

EXPORT_URL = "/compte/mes-donnees.json"
CLOSE_URL = "/compte/fermer/"
