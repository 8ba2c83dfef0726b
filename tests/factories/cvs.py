"""Factories of the CVS call (cvs app): a request's CVS part and its funding asks."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from tests.factories.applications import ApplicationFactory
from tests.factories.funds import CvsFundFactory, FunderFactory


class CvsRequestFactory(DjangoModelFactory):
    class Meta:
        model = "cvs.CvsRequest"

    application = factory.SubFactory(ApplicationFactory, fund=factory.SubFactory(CvsFundFactory))
    structure_kind = "association"
    representative_name = "Prénom Présidente"
    representative_role = "Présidente"
    referent_name = "Prénom Coordinateur"
    referent_email = "coordination@asso.example.org"
    diagnostic = "Peu d'offre d'aide aux devoirs dans le quartier."
    territorial_anchoring = "Présente dans le quartier depuis 2012."
    target_public = "Collégien·nes du quartier et leurs parents."
    gender_objectives = "Autant de filles que de garçons."
    gender_means = "Des horaires compatibles avec les contraintes des familles."
    common_law_funding = "Droit commun de la commune (local prêté)."
    partnerships = "Collège du quartier, centre social."
    evaluation_indicators = "Nombre de jeunes suivis, assiduité."
    evaluation_follow_up = "Comité de suivi trimestriel."


class FundingAskFactory(DjangoModelFactory):
    class Meta:
        model = "cvs.FundingAsk"

    request = factory.SubFactory(CvsRequestFactory)
    funder = factory.SubFactory(FunderFactory)
    amount_asked = Decimal("1000.00")
