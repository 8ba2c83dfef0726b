"""Signals of the accounts app, for the apps above it (accounts imports none of them)."""

from django.dispatch import Signal

# Sent inside the transaction that confirms a user's address, with `user`: e.g. committee seats waiting for that
# address are linked to the account (committees.apps).
email_confirmed = Signal()
