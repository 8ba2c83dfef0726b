"""Bilans (PIC and CVS), their expenses, effects and photos."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from tests.factories.applications import GrantedApplicationFactory
from tests.factories.funds import CvsFundFactory


class BilanFactory(DjangoModelFactory):
    """A complete PIC bilan, still a draft (like seed 000, without any real person's name)."""

    class Meta:
        model = "reports.Bilan"

    application = factory.SubFactory(GrantedApplicationFactory)
    created_by = factory.SelfAttribute("application.created_by")
    main_objective = "Créer du lien entre les habitant·es et lutter contre l'isolement."
    held_from = factory.SelfAttribute("application.starts_at")
    held_until = factory.SelfAttribute("application.ends_at")
    proceedings = "Un après-midi convivial, malgré la pluie."
    mobilised_women = 11
    mobilised_men = 5
    participant_women = 51
    participant_men = 28
    positive_points = "Participation active des jeunes à la logistique."
    difficulties = "L'espace est restreint les jours de pluie."
    results = "De nouveaux liens entre voisins."
    helpers = "Le centre social"
    help_received = "Rédaction du dossier et mise en place de l'évènement"
    help_sufficient = True
    help_comment = ""
    wants_to_renew = True
    other_ideas = "Un café citoyen"


class BilanExpenseFactory(DjangoModelFactory):
    class Meta:
        model = "reports.BilanExpense"

    bilan = factory.SubFactory(BilanFactory)
    category = "60"
    label = "Goûter et boissons"
    planned_amount = Decimal("300.00")
    actual_amount = Decimal("280.00")
    position = factory.Sequence(lambda n: n)


class CvsBilanFactory(DjangoModelFactory):
    """An annex 3 bilan with its identity sheet and appraisal filled in (objectives and budget apart)."""

    class Meta:
        model = "reports.CvsBilan"

    application = factory.SubFactory(GrantedApplicationFactory, fund=factory.SubFactory(CvsFundFactory))
    created_by = factory.SelfAttribute("application.created_by")
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 6, 30)
    structure = "Association Les Jardins partagés, association loi 1901"
    referent_first_name = "Prénom"
    referent_last_name = "Référente"
    referent_function = "Coordinatrice"
    referent_email = "coordination@jardins.example.org"
    referent_phone = "03 20 00 00 00"
    action_created_year = 2021
    territory = "Quartier Secteur Sud, Lille"
    target_public = "Familles du quartier"
    partnerships = "Bailleur social, centre social"
    dedicated_staff = "Une coordinatrice à mi-temps"
    material_means = "Une parcelle et un local à outils"
    communication_means = "Affiches, réseaux sociaux"
    planned_cost = Decimal("12000.00")
    short_description = "Des ateliers de jardinage hebdomadaires ouverts à toutes et tous."
    progress_status = "in_progress"
    progress_since = datetime.date(2025, 2, 1)
    coordination = "Un comité de suivi trimestriel."
    achievements = "24 ateliers réalisés."
    successes = "Une forte participation des familles."
    difficulties = "Un hiver pluvieux."
    positive_impacts = "Des voisins qui se parlent."
    negative_impacts = "Moins de temps pour d'autres actions."
    perspective = "maintain"
    perspective_comment = "Poursuivre en 2026."
    key_figures = "120 personnes touchées en QPV (source : feuilles de présence, juin 2025)."
    swot_strengths = "Une équipe bénévole soudée."
    swot_weaknesses = "Peu de salariés."
    swot_opportunities = "Le nouveau plan de végétalisation."
    swot_threats = "La fin d'un financement."


class CvsObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = "reports.CvsObjective"

    bilan = factory.SubFactory(CvsBilanFactory)
    position = factory.Sequence(lambda n: n + 1)
    objective = "Organiser 30 ateliers de jardinage d'ici juin"
    indicators = "Nombre d'ateliers"
    result = "24 ateliers"
    comments = ""


class CvsPartnerFactory(DjangoModelFactory):
    class Meta:
        model = "reports.CvsPartner"

    bilan = factory.SubFactory(CvsBilanFactory)
    position = factory.Sequence(lambda n: n + 1)
    actor = "Bailleur social"
    is_new_partner = False
    role = "Finance et met à disposition la parcelle"
    when_associated = "En continu"
    satisfied = True
    room_for_progress = ""


class CvsBudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = "reports.CvsBudgetLine"

    bilan = factory.SubFactory(CvsBilanFactory)
    side = "charge"
    account = "60"
    item = ""
    label = "Graines et outils"
    planned_amount = Decimal("1000.00")
    realised_amount = Decimal("900.00")
    position = factory.Sequence(lambda n: n)


class EffectObservationFactory(DjangoModelFactory):
    """An effect of the grid observed in a bilan; `changes=[...]` ticks items of it (e.g. "health.confidence")."""

    class Meta:
        model = "reports.EffectObservation"
        skip_postgeneration_save = True

    bilan = factory.SubFactory(BilanFactory)
    effect = "social_ties"
    public_neighbours = True
    narrative = "Des voisins qui ne se parlaient pas ont préparé le goûter ensemble."

    @factory.post_generation
    def changes(self, create, extracted, **kwargs):
        if create and extracted:
            from reports.models import EffectChange

            for change in extracted:
                EffectChange.objects.create(observation=self, change=change)


def png_bytes(colour: str = "blue", size: tuple[int, int] = (4, 3)) -> bytes:
    """A small real PNG, as the bilan's upload stores it (re-encoded, no metadata)."""
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format="PNG")
    return output.getvalue()


def photo_file(o):
    from django.core.files.base import ContentFile

    return ContentFile(o.data, name="photo.png")


class BilanPhotoFactory(DjangoModelFactory):
    """A photo of a bilan, already checked and re-encoded; publication consented by default."""

    class Meta:
        model = "reports.BilanAttachment"

    class Params:
        data = factory.LazyFunction(png_bytes)

    bilan = factory.SubFactory(BilanFactory)
    kind = "photo"
    file = factory.LazyAttribute(photo_file)
    original_name = "photo-de-madame-martin.png"
    content_type = "image/png"
    size = factory.LazyAttribute(lambda o: len(o.data))
    description = "Des enfants plantent des bulbes dans le square."
    public_consent = True
    uploaded_by = factory.SelfAttribute("bilan.created_by")
