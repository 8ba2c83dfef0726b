"""Business rules of a request, as pure checks.

Each `check_*` returns a dict {field: [French messages]} (empty: nothing to fix), so forms show the
messages beside their fields and services refuse the change with the same words. Messages say how
to fix the problem. Upload checks live in `core.uploads`.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.budget import (
    NON_ELIGIBLE_EXPENSE_CATEGORIES,
    ExpenseCategory,
    ResourceCategory,
    plain_expense_label,
)
from applications.models import Application, Attachment, BudgetLine, Holder
from applications.workflow import NOT_FILED, Status
from core.money import CENT
from core.templatetags.portal_format import format_money
from core.uploads import check_uploaded_file  # noqa: F401  (kept importable from here: reports.uploads)
from core.validation import Errors, add_error, french_day, merge_errors
from funds.models import Fund
from funds.validators import normalize_identifier, validate_rna, validate_siret

MAX_BUDGET_LINES = 50


def _to_decimal(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def _local_year(value: datetime.datetime) -> int:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.year


# --- Dates and call -------------------------------------------------------------------------------


def check_dates(*, fund: Fund, starts_at: datetime.datetime | None, ends_at: datetime.datetime | None) -> Errors:
    """The project ends after it starts, and both dates fall within the fund's year."""
    errors: Errors = {}
    if starts_at and ends_at and ends_at <= starts_at:
        add_error(
            errors, "ends_at", _("La fin du projet doit être après son début : vérifiez les dates et les heures.")
        )
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value and _local_year(value) != fund.year:
            add_error(
                errors,
                field,
                _(
                    "Le fonds « %(fund)s » finance des projets qui ont lieu en %(year)s : "
                    "choisissez une date entre le 01/01/%(year)s et le 31/12/%(year)s."
                )
                % {"fund": fund.name, "year": fund.year},
            )
    return errors


def check_call_open(*, fund: Fund, today: datetime.date) -> Errors:
    """Requests are filed only while the fund's call for projects is open."""
    errors: Errors = {}
    if not fund.is_published:
        add_error(errors, NON_FIELD_ERRORS, _("Ce fonds n'accepte pas de demandes : choisissez un appel ouvert."))
    elif fund.scheme == Fund.Scheme.FIFTY_FIFTY:
        # A fifty/fifty has no grant request nor committee: an idea, the commune's support, a convention.
        add_error(
            errors,
            NON_FIELD_ERRORS,
            _(
                "Ce dispositif ne reçoit pas de demandes de subvention : "
                "proposez votre idée de fifty/fifty à la mairie."
            ),
        )
    elif today < fund.call_opens_on:
        add_error(
            errors,
            NON_FIELD_ERRORS,
            _(
                "L'appel à projets « %(fund)s » ouvre le %(opens)s (il sera clos le %(closes)s) : "
                "revenez à partir de cette date pour déposer votre demande."
            )
            % {"fund": fund.name, "opens": french_day(fund.call_opens_on), "closes": french_day(fund.call_closes_on)},
        )
    elif today > fund.call_closes_on:
        add_error(
            errors,
            NON_FIELD_ERRORS,
            _(
                "L'appel à projets « %(fund)s » était ouvert du %(opens)s au %(closes)s : il est clos. "
                "Contactez l'association porteuse ou choisissez un autre appel ouvert."
            )
            % {"fund": fund.name, "opens": french_day(fund.call_opens_on), "closes": french_day(fund.call_closes_on)},
        )
    return errors


# --- Money ----------------------------------------------------------------------------------------


def is_second_request(*, fund: Fund, user, application: Application | None = None) -> bool:
    """The fund's second-request rule, written once: the form, the submission check and the committee's decision
    all ask this function (through `applicable_cap`).

    The rule, as the fund states it: "plafond pour une deuxième demande la même année", "plafond plus bas pour
    la deuxième demande d'un même porteur la même année" (`funds.models.Fund.max_grant_second_request`), from
    the caps of DOMAIN.md §2: "900 € for a holder's first action and 400 € for a second in the same year".
    Read here as:

    - a *request*, not a grant: any request filed and not withdrawn counts (pending, refused or granted);
    - of the *same porteur*: the same holder record, or the account that files for it (a holder is always
      the filing account's own, see `_holder_errors`);
    - the *same year*: in any fund of the same carrier association for that year (one association may run
      several funds in a year: its rule for the porteur is one);
    - the *second*: another such request filed before this one (by filing date, then by number), so the first
      request keeps the full cap even once the second is filed, and at the committee each keeps its own cap.
    """
    others = Application.objects.filter(fund__association_id=fund.association_id, fund__year=fund.year).exclude(
        status__in=NOT_FILED
    )
    same_porteur = Q(created_by=user)
    if application is not None and application.is_on_behalf_pending:
        # Staff filing for a resident are not the porteur: only the holder's own requests count.
        same_porteur = Q(pk__in=[])
    if application is not None and application.holder_id:
        same_porteur |= Q(holder_id=application.holder_id)
    others = others.filter(same_porteur)
    if application is not None and application.pk:
        others = others.exclude(pk=application.pk)
        if application.submitted_at is not None:
            mine = application.submitted_at
            others = others.filter(
                Q(submitted_at__lt=mine)
                | Q(submitted_at=mine, pk__lt=application.pk)
                | Q(submitted_at__isnull=True, pk__lt=application.pk)
            )
    return others.exists()


def applicable_cap(*, fund: Fund, user, application: Application | None = None) -> tuple[Decimal, bool]:
    """(cap, is_second_request): the lower second-request cap applies to a porteur's second request of the year."""
    if fund.max_grant_second_request is not None and is_second_request(fund=fund, user=user, application=application):
        return min(fund.max_grant_second_request, fund.max_grant), True
    return fund.max_grant, False


def check_amount(*, fund: Fund, user, amount: Decimal | None, application: Application | None = None) -> Errors:
    """The amount asked is positive, in cents, and within the fund's cap for this request."""
    errors: Errors = {}
    field = "amount_requested"
    if amount is None:
        add_error(errors, field, _("Indiquez le montant que vous demandez au fonds, en euros."))
        return errors
    amount = _to_decimal(amount)
    if amount is None or not amount.is_finite() or amount <= 0:
        add_error(errors, field, _("Le montant demandé doit être supérieur à 0 €."))
        return errors
    if amount != amount.quantize(CENT):
        add_error(errors, field, _("Indiquez le montant en euros avec au plus deux chiffres après la virgule."))
        return errors
    cap, is_second = applicable_cap(fund=fund, user=user, application=application)
    if amount > cap:
        if is_second:
            message = _(
                "Vous avez déjà déposé une demande cette année auprès de %(association)s : pour une deuxième "
                "demande, le plafond est de %(cap)s. Demandez au plus %(cap)s."
            ) % {"association": fund.association.name, "cap": format_money(cap)}
        else:
            message = _("Le plafond du fonds « %(fund)s » est de %(cap)s par demande : demandez au plus %(cap)s.") % {
                "fund": fund.name,
                "cap": format_money(cap),
            }
        add_error(errors, field, message)
    return errors


def check_budget(*, expenses: list[Decimal], resources: list[Decimal], amount_requested: Decimal | None) -> Errors:
    """Expenses equal the other resources plus the amount asked (a provisional budget is balanced)."""
    errors: Errors = {}
    if not expenses:
        add_error(errors, NON_FIELD_ERRORS, _("Ajoutez au moins une dépense à votre budget prévisionnel."))
        return errors
    total_expenses = sum(expenses, Decimal("0"))
    total_resources = sum(resources, Decimal("0")) + (amount_requested or Decimal("0"))
    if total_expenses != total_resources:
        difference = abs(total_expenses - total_resources)
        if total_expenses > total_resources:
            advice = _("il manque %(diff)s de ressources, ou diminuez les dépenses.")
        else:
            advice = _("les ressources dépassent les dépenses de %(diff)s : ajustez les montants.")
        add_error(
            errors,
            NON_FIELD_ERRORS,
            _(
                "Votre budget n'est pas équilibré : les dépenses font %(expenses)s et les ressources "
                "(montant demandé compris) %(resources)s ; %(advice)s"
            )
            % {
                "expenses": format_money(total_expenses),
                "resources": format_money(total_resources),
                "advice": advice % {"diff": format_money(difference)},
            },
        )
    return errors


def check_expense_categories(*, categories: Iterable[str]) -> Errors:
    """Micro-project funds pay running costs only."""
    errors: Errors = {}
    for category in sorted(set(categories) & set(NON_ELIGIBLE_EXPENSE_CATEGORIES)):
        add_error(
            errors,
            "category",
            _(
                "Les dépenses « %(category)s » ne sont pas éligibles : le fonds ne finance que des frais de "
                "fonctionnement. Retirez cette ligne ou classez la dépense dans la bonne catégorie."
            )
            % {"category": plain_expense_label(category)},
        )
    return errors


def check_budget_line(*, side: str, category: str, grant_source: str, label: str, amount) -> Errors:
    """One budget line: a category of its side, a grant source for grants only, a label, an amount."""
    errors: Errors = {}
    if side == BudgetLine.Side.EXPENSE:
        if category not in ExpenseCategory.values:
            add_error(errors, "category", _("Choisissez une catégorie de dépense dans la liste."))
        else:
            merge_errors(errors, check_expense_categories(categories=[category]))
    elif side == BudgetLine.Side.RESOURCE:
        if category not in ResourceCategory.values:
            add_error(errors, "category", _("Choisissez une catégorie de ressource dans la liste."))
    else:
        add_error(errors, "side", _("Indiquez s'il s'agit d'une dépense ou d'une ressource."))
    if grant_source and not (side == BudgetLine.Side.RESOURCE and category == ResourceCategory.GRANTS):
        add_error(errors, "grant_source", _("Le financeur ne s'indique que pour une subvention (ressource 74)."))
    if side == BudgetLine.Side.RESOURCE and category == ResourceCategory.GRANTS and not grant_source:
        add_error(errors, "grant_source", _("Précisez qui verse cette subvention (Région, commune, CAF...)."))
    if not (label or "").strip():
        add_error(errors, "label", _("Décrivez la ligne en quelques mots, par exemple « Location de tables »."))
    if amount is None:
        add_error(errors, "amount", _("Indiquez le montant de la ligne en euros."))
    else:
        amount = _to_decimal(amount)
        if amount is None or not amount.is_finite() or amount <= 0:
            add_error(errors, "amount", _("Le montant d'une ligne doit être supérieur à 0 €."))
        elif amount != amount.quantize(CENT):
            add_error(errors, "amount", _("Indiquez le montant en euros avec au plus deux chiffres après la virgule."))
    return errors


# --- Holder and attachments -----------------------------------------------------------------------


def check_holder(*, holder: Holder) -> Errors:
    """An association: SIRET or RNA (valid), address, republican commitment. A group: referent, co-holders."""
    errors: Errors = {}
    if not (holder.name or "").strip():
        add_error(errors, "name", _("Indiquez le nom du collectif ou de l'association."))
    if not (holder.referent_name or "").strip():
        add_error(errors, "referent_name", _("Indiquez le nom et le prénom de la personne référente du projet."))
    if holder.kind == Holder.Kind.ASSOCIATION:
        siret = normalize_identifier(holder.siret)
        rna = normalize_identifier(holder.rna)
        if not siret and not rna:
            add_error(
                errors,
                "siret",
                _(
                    "Indiquez le numéro SIRET ou le numéro RNA de l'association : ils figurent sur l'avis de "
                    "situation INSEE ou le récépissé de déclaration en préfecture."
                ),
            )
        for field, value, validator in (("siret", siret, validate_siret), ("rna", rna, validate_rna)):
            if value:
                try:
                    validator(value)
                except ValidationError as error:
                    for message in error.messages:
                        add_error(errors, field, message)
        if not (holder.address or "").strip():
            add_error(errors, "address", _("Indiquez l'adresse du siège de l'association."))
        if not (holder.postcode or "").strip():
            add_error(errors, "postcode", _("Indiquez le code postal du siège de l'association."))
        if not (holder.city or "").strip():
            add_error(errors, "city", _("Indiquez la ville du siège de l'association."))
        if holder.republican_commitment_accepted_at is None:
            add_error(
                errors,
                "republican_commitment",
                _(
                    "Une association qui demande une subvention publique doit souscrire au contrat d'engagement "
                    "républicain (décret 2021-1947) : cochez la case pour l'accepter."
                ),
            )
    elif holder.kind == Holder.Kind.GROUP:
        if not holder.co_holders_count:
            add_error(
                errors,
                "co_holders_count",
                _("Un collectif réunit plusieurs habitant·es : indiquez combien d'autres personnes portent le projet."),
            )
        if not (holder.co_holders_first_names or "").strip():
            add_error(
                errors,
                "co_holders_first_names",
                _("Indiquez les prénoms des co-porteur·ses, séparés par des virgules."),
            )
    else:
        add_error(errors, "kind", _("Indiquez si vous êtes un collectif d'habitant·es ou une association."))
    return errors


def required_attachment_kinds(*, application: Application) -> list[str]:
    kinds = [Attachment.Kind.BANK_DETAILS]
    if application.holder is not None and application.holder.kind == Holder.Kind.ASSOCIATION:
        kinds.append(Attachment.Kind.STATUTES)
    if application.is_on_behalf_pending:
        kinds.append(Attachment.Kind.SIGNED_FORM)  # the holder's agreement, kept when staff file for them
    return kinds


def check_required_attachments(*, application: Application) -> Errors:
    """Bank details always; the statutes for an association."""
    errors: Errors = {}
    present = {attachment.kind for attachment in application.attachments.all()}
    for kind in required_attachment_kinds(application=application):
        if kind not in present:
            add_error(
                errors,
                "attachments",
                _("Ajoutez ce document : %(kind)s (PDF, JPEG ou PNG, 5 Mo au plus).")
                % {"kind": Attachment.Kind(kind).label},
            )
    return errors


# --- Submission -----------------------------------------------------------------------------------


def _required(errors: list[str], value, message: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(str(message))


def _flatten(field_errors: Errors) -> list[str]:
    return [message for messages in field_errors.values() for message in messages]


def _holder_errors(application: Application) -> list[str]:
    holder = application.holder
    if holder is None:
        return [_("Choisissez ou créez le porteur du projet (collectif ou association).")]
    if holder.owner_id != application.created_by_id:
        return [_("Choisissez un porteur que vous avez vous-même enregistré.")]
    return _flatten(check_holder(holder=holder))


def _project_errors(application: Application, fund: Fund) -> list[str]:
    project: list[str] = []
    _required(project, application.title, _("Donnez un titre à votre projet."))
    if application.theme_id is None:
        project.append(_("Choisissez la thématique de votre projet."))
    elif not fund.themes.filter(pk=application.theme_id).exists():
        project.append(_("Cette thématique n'est pas proposée par ce fonds : choisissez-en une dans la liste."))
    if fund.scheme == Fund.Scheme.CVS and fund.ambitions.exists():
        if application.ambition_id is None:
            project.append(_("Choisissez l'ambition du contrat de ville à laquelle répond votre projet."))
        elif not fund.ambitions.filter(pk=application.ambition_id).exists():
            project.append(_("Cette ambition n'est pas retenue par ce fonds : choisissez-en une dans la liste."))
    _required(project, application.objectives, _("Décrivez les objectifs de votre projet."))
    _required(project, application.description, _("Décrivez votre projet : ce qui va se passer, avec qui."))
    return project


def _when_where_errors(application: Application, fund: Fund) -> list[str]:
    when_where: list[str] = []
    _required(when_where, application.starts_at, _("Indiquez la date et l'heure de début du projet."))
    _required(when_where, application.ends_at, _("Indiquez la date et l'heure de fin du projet."))
    when_where.extend(_flatten(check_dates(fund=fund, starts_at=application.starts_at, ends_at=application.ends_at)))
    _required(when_where, application.place, _("Indiquez le lieu du projet (adresse, salle, square...)."))
    if application.neighbourhood_id is None:
        when_where.append(_("Choisissez le quartier où a lieu le projet."))
    elif not fund.neighbourhoods.filter(pk=application.neighbourhood_id).exists():
        when_where.append(_("Ce quartier n'est pas couvert par ce fonds : choisissez-en un dans la liste."))
    return when_where


def _people_errors(application: Application) -> list[str]:
    people: list[str] = []
    _required(people, application.expected_public, _("Décrivez le public attendu."))
    _required(people, application.expected_women, _("Indiquez le nombre de femmes attendues (0 si aucune)."))
    _required(people, application.expected_men, _("Indiquez le nombre d'hommes attendus (0 si aucun)."))
    _required(
        people,
        application.residents_mobilised,
        _("Indiquez combien d'habitant·es se mobilisent pour organiser le projet."),
    )
    return people


def _budget_errors(application: Application, fund: Fund) -> list[str]:
    lines = list(application.budget_lines.all())
    expenses = [line for line in lines if line.side == BudgetLine.Side.EXPENSE]
    resources = [line for line in lines if line.side == BudgetLine.Side.RESOURCE]
    amount = check_amount(
        fund=fund, user=application.created_by, amount=application.amount_requested, application=application
    )
    categories = check_expense_categories(categories=[line.category for line in expenses])
    balance = check_budget(
        expenses=[line.amount for line in expenses],
        resources=[line.amount for line in resources],
        amount_requested=application.amount_requested,
    )
    return [*_flatten(amount), *_flatten(categories), *_flatten(balance)]


def _agreement_errors(application: Application) -> list[str]:
    """A request filed by staff on behalf of its holder: the holder's agreement is recorded first."""
    if not application.is_on_behalf_pending or (application.holder_agreed_on and application.holder_agreement_method):
        return []
    return [
        _(
            "Enregistrez l'accord du porteur (date et formulaire papier signé) sur la page « Accord du porteur » "
            "avant de déposer la demande pour son compte."
        )
    ]


def submission_errors(*, application: Application, today: datetime.date, check_call: bool) -> dict[str, list[str]]:
    """Everything to fix before (re)submitting, by step slug. `check_call`: the call must be open (first filing)."""
    Step = Application.Step
    fund = application.fund
    steps: dict[str, list[str]] = {
        Step.HOLDER: _holder_errors(application),
        Step.PROJECT: _project_errors(application, fund),
        Step.WHEN_WHERE: _when_where_errors(application, fund),
        Step.PEOPLE: _people_errors(application),
        Step.BUDGET: _budget_errors(application, fund),
        Step.ATTACHMENTS: _flatten(check_required_attachments(application=application)),
        Step.SUMMARY: [
            *(
                _flatten(check_call_open(fund=fund, today=today))
                if check_call and not application.late_entry_reason
                else []
            ),
            *_agreement_errors(application),
        ],
    }
    return {str(step): [str(m) for m in messages] for step, messages in steps.items() if messages}


def validate_for_submission(*, application: Application, today: datetime.date) -> dict[str, list[str]]:
    """What remains to fix before the request can be filed, by step slug; an empty dict means ready.

    The call for projects must be open for a first filing (a draft), not for a resubmission after a
    completion request.
    """
    return submission_errors(application=application, today=today, check_call=application.status == Status.DRAFT)


# --- When the bilan is due -------------------------------------------------------------------------------


def bilan_due_on(
    *, project_end: datetime.date | None, decided_on: datetime.date | None, due_days: int
) -> datetime.date | None:
    """The one definition of a bilan's due date: the fund's delay (`bilan_due_days`) counted from the LATER
    of the project's last day and the grant decision (both Paris days). A grant decided after the project
    ended is never late on the day it is decided. None when neither day is known."""
    days = [day for day in (project_end, decided_on) if day is not None]
    if not days:
        return None
    return max(days) + datetime.timedelta(days=due_days)
