"""What the public open data page lists, and the checked content of each file."""

from dataclasses import dataclass

from funds.models import Fund
from opendata import scdl
from opendata.validation import FieldError


class NotPublishable(Exception):
    """A value breaks the schema: the file is not published. `str()` names the fund and the fields."""

    def __init__(self, fund: Fund, year: int, errors: list[FieldError]):
        self.fund, self.year, self.errors = fund, year, errors
        fields = sorted({error.field for error in errors})
        details = "; ".join(str(error) for error in errors[:10])
        super().__init__(
            f"Fonds {fund.slug} ({fund.name}), année {year} : valeur(s) non conforme(s) au schéma SCDL "
            f"subventions {scdl.SCHEMA_VERSION}, champ(s) {', '.join(fields)}. {details}"
        )


@dataclass(frozen=True)
class Dataset:
    fund: Fund
    year: int


def published_datasets() -> list[Dataset]:
    """Every (published fund, year with grants), newest year first: two queries."""
    years = scdl.published_years()
    funds = Fund.objects.filter(pk__in=years).select_related("association").order_by("association__name", "name")
    datasets = [Dataset(fund, year) for fund in funds for year in years[fund.pk]]
    return sorted(datasets, key=lambda d: (-d.year, d.fund.association.name, d.fund.name))


def checked_rows(*, fund: Fund, year: int) -> list[dict[str, str]]:
    """The rows of a file, or NotPublishable naming the fund and the fields at fault."""
    rows = scdl.scdl_rows(fund=fund, year=year)
    errors = scdl.check_rows(rows)
    if errors:
        raise NotPublishable(fund, year, errors)
    return rows
