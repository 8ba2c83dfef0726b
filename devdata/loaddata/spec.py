"""What to generate (`Spec`) and what was written (`Summary`)."""

from dataclasses import dataclass, field

from django.db import models

from devdata.loaddata.constants import DEFAULT_LABEL, FULL, YEARS
from funds.models import CarrierAssociation


@dataclass(frozen=True)
class Spec:
    """What to generate. `for_scale()` gives the region; the benchmark builds one-fund worlds with `world()`."""

    seed: int = 42
    label: str = DEFAULT_LABEL  # prefix of slugs and e-mail domains: tells these rows apart
    associations: int = FULL["associations"]
    years: tuple[int, ...] = YEARS
    requests: int = FULL["requests"]
    sessions: int | None = FULL["sessions"]  # None: as few as the agendas need
    bilans: int | None = FULL["bilans"]  # None: every request that may have one
    big_fund_requests: int = FULL["big_fund_requests"]
    busy_holder_requests: int = FULL["busy_holder_requests"]
    single_holder: bool = False  # every request filed by one account
    own_funder: bool = False  # a co-funder of its own instead of the Région (the world's dashboard shows it alone)
    own_neighbourhood: bool = False  # a QPV of its own (the world's showcase can be filtered on it)

    @classmethod
    def for_scale(cls, *, seed: int = 42, scale: float = 1.0, label: str = DEFAULT_LABEL) -> "Spec":
        if scale <= 0:
            raise ValueError("The scale must be positive.")
        requests = max(1, round(FULL["requests"] * scale))
        return cls(
            seed=seed,
            label=label,
            associations=max(2, round(FULL["associations"] * scale)),
            requests=requests,
            sessions=max(1, round(FULL["sessions"] * scale)),
            bilans=round(FULL["bilans"] * scale),
            big_fund_requests=max(1, min(requests // 2, round(FULL["big_fund_requests"] * scale))),
            busy_holder_requests=max(1, round(FULL["busy_holder_requests"] * scale)),
        )

    @classmethod
    def world(cls, *, label: str, requests: int, seed: int = 42, year: int = 2025) -> "Spec":
        """One association, one fund, one holder with every request, its own co-funder and QPV."""
        return cls(
            seed=seed,
            label=label,
            associations=1,
            years=(year,),
            requests=requests,
            sessions=None,
            bilans=None,
            big_fund_requests=requests,
            busy_holder_requests=requests,
            single_holder=True,
            own_funder=True,
            own_neighbourhood=True,
        )


@dataclass
class Summary:
    spec: Spec
    counts: dict[str, int] = field(default_factory=dict)  # rows written, by model label
    seconds: float = 0.0
    # Handy rows for the benchmark.
    association_slugs: list[str] = field(default_factory=list)
    fund_slugs: list[str] = field(default_factory=list)
    staff_emails: list[str] = field(default_factory=list)
    funder_staff_emails: list[str] = field(default_factory=list)
    busy_holder_email: str = ""
    neighbourhood_codes: list[str] = field(default_factory=list)

    def count(self, model: type[models.Model]) -> int:
        return self.counts.get(model._meta.label, 0)


def load_data_present(label: str = DEFAULT_LABEL) -> bool:
    return CarrierAssociation.objects.filter(slug__startswith=f"{label}-").exists()
