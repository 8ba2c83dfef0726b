"""Accounts: users (all with the same password) and valid identifiers."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from funds.validators import luhn_sum

DEFAULT_PASSWORD = "motdepasse-de-test-2025"


def make_siret(seed: int) -> str:
    """A valid SIRET built from a number: SIREN and SIRET both pass the Luhn rule."""
    body = f"{seed:08d}"[-8:]
    siren = next(body + str(d) for d in range(10) if luhn_sum(body + str(d)) % 10 == 0)
    nic_body = "0001"
    return next(siren + nic_body + str(d) for d in range(10) if luhn_sum(siren + nic_body + str(d)) % 10 == 0)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Test"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
