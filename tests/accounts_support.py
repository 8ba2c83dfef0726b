"""Helpers of the account tests (sign-up data, the link in an e-mail, who is logged in)."""

import re

from accounts import services

STRONG_PASSWORD = "Tournesol-du-quartier-84"
LINK_PATH = re.compile(r"https?://[^/\s]+(/\S+)")


def signup_data(**overrides) -> dict:
    data = {
        "email": "  Nadia.Nouvelle@Example.org ",
        "first_name": "Nadia",
        "last_name": "Nouvelle",
        "phone": "06 12 34 56 78",
        "password": STRONG_PASSWORD,
        "password_confirm": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def link_in(message) -> str:
    """The path of the single link in a plain-text e-mail."""
    paths = LINK_PATH.findall(message.body)
    assert len(paths) == 1, message.body
    return paths[0]


def confirmation_link(user) -> str:
    return services.confirmation_path(user=user)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")
