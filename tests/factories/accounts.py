"""Accounts: users (all with the same password) and valid identifiers."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from funds.validators import make_siret  # noqa: F401  (the factories import it from here)

DEFAULT_PASSWORD = "motdepasse-de-test-2025"


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
