"""A bilan carries its request's fund (copied when it starts), and an effect observation its bilan's: the keys of
the annual report's bilan figures."""

from reports import services
from reports.annual import annual_report
from reports.models import Bilan, BilanStatus, Effect, EffectChange, EffectObservation
from tests import factories as f
from tests.bilan_fixtures import application_fixture  # noqa: F401  (fixture)


def test_a_started_pic_bilan_carries_its_requests_fund(application, resident):
    bilan = services.start_bilan(user=resident, application=application)

    assert bilan.fund_id == application.fund_id
    assert Bilan.objects.filter(fund=application.fund).get() == bilan


def test_a_started_cvs_bilan_carries_its_requests_fund(resident):
    cvs_application = f.GrantedApplicationFactory(fund=f.CvsFundFactory(), created_by=resident)
    bilan = services.start_cvs_bilan(user=resident, application=cvs_application)

    bilan.refresh_from_db()
    assert bilan.fund_id == cvs_application.fund_id


def test_a_bilan_saved_without_its_fund_takes_its_requests(db):
    bilan = f.BilanFactory()

    bilan.refresh_from_db()
    assert bilan.fund_id == bilan.application.fund_id


def test_the_annual_report_counts_the_funds_bilans_only(db):
    mine = f.BilanFactory(status=BilanStatus.ACCEPTED, participant_women=7, participant_men=5)
    f.BilanFactory(status=BilanStatus.ACCEPTED, participant_women=40, participant_men=30)  # another fund's

    report = annual_report(fund=mine.application.fund, with_projects=False)

    assert report.participation.bilans == 1
    assert (report.participation.participants.women, report.participation.participants.men) == (7, 5)


def test_bilans_written_in_bulk_take_their_requests_funds(db):
    first, second = f.GrantedApplicationFactory(), f.GrantedApplicationFactory()

    Bilan.objects.bulk_create(
        [Bilan(application=first, created_by=first.created_by), Bilan(application=second, created_by=second.created_by)]
    )

    assert dict(Bilan.objects.values_list("application", "fund")) == {
        first.pk: first.fund_id,
        second.pk: second.fund_id,
    }
    assert first.fund_id != second.fund_id


def test_effect_observations_carry_their_bilans_fund_and_the_report_counts_its_own(db):
    mine = f.BilanFactory(status=BilanStatus.ACCEPTED)
    theirs = f.BilanFactory(status=BilanStatus.ACCEPTED)  # another fund's
    observed = EffectObservation.objects.create(bilan=mine, effect=Effect.SOCIAL_TIES)
    EffectChange.objects.create(observation=observed, change="social_ties.public_events")
    in_bulk = EffectObservation.objects.bulk_create([EffectObservation(bilan=theirs, effect=Effect.SOCIAL_TIES)])
    EffectChange.objects.create(observation=in_bulk[0], change="social_ties.public_events")

    assert dict(EffectObservation.objects.values_list("bilan", "fund")) == {
        mine.pk: mine.fund_id,
        theirs.pk: theirs.fund_id,
    }
    effects = annual_report(fund=mine.application.fund, with_projects=False).effects
    (social_ties,) = [e for level in effects.levels for e in level.effects if e.effect == Effect.SOCIAL_TIES]
    assert social_ties.bilans == 1
    assert [item.bilans for item in social_ties.items if item.bilans] == [1]


def test_ticked_effect_items_carry_their_observations_bilan_and_fund(application, resident):
    bilan = services.start_bilan(user=resident, application=application)
    services.set_effects(
        user=resident,
        bilan=bilan,
        observations=[
            {"effect": Effect.SOCIAL_TIES, "changes": ["social_ties.public_events", "social_ties.project_life"]}
        ],
    )
    other = f.BilanFactory()  # another fund's, its items written one by one and in bulk
    observed = EffectObservation.objects.create(bilan=other, effect=Effect.HEALTH)
    EffectChange.objects.create(observation=observed, change="health.confidence")
    EffectChange.objects.bulk_create([EffectChange(observation=observed, change="health.relations")])

    assert sorted(EffectChange.objects.values_list("change", "bilan", "fund")) == [
        ("health.confidence", other.pk, other.fund_id),
        ("health.relations", other.pk, other.fund_id),
        ("social_ties.project_life", bilan.pk, application.fund_id),
        ("social_ties.public_events", bilan.pk, application.fund_id),
    ]
    assert other.fund_id != application.fund_id


def test_the_annual_report_counts_the_ticked_items_of_the_funds_filed_bilans_only(db):
    filed = f.BilanFactory(status=BilanStatus.SUBMITTED)
    draft = f.BilanFactory(application__fund=filed.fund, status=BilanStatus.DRAFT)
    theirs = f.BilanFactory(status=BilanStatus.ACCEPTED)  # another fund's
    for bilan in (filed, draft, theirs):
        observed = EffectObservation.objects.create(bilan=bilan, effect=Effect.SOCIAL_TIES)
        EffectChange.objects.create(observation=observed, change="social_ties.public_events")

    effects = annual_report(fund=filed.fund, with_projects=False).effects
    (social_ties,) = [e for level in effects.levels for e in level.effects if e.effect == Effect.SOCIAL_TIES]
    assert social_ties.bilans == 1
    ticked = {item.label: item.bilans for item in social_ties.items if item.bilans}
    assert ticked == {"lors d'évènements grand public": 1}
