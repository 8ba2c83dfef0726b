"""What the steps of a run share: the run itself, the rows every association uses, one association, one fund."""

import random
from dataclasses import dataclass, field

from accounts.models import User
from applications.models import Holder
from committees.models import Committee, CommitteeMember, CommitteeSession
from devdata.loaddata.spec import Spec, Summary
from devdata.loaddata.writer import Writer
from funds.models import CarrierAssociation, CvsAmbition, Fund, Funder, Neighbourhood, Theme


@dataclass
class Shared:
    """Rows every association uses: reference data, the Région and other co-funders, the shared files."""

    themes: list[Theme]
    ambitions: list[CvsAmbition]
    neighbourhoods: list[Neighbourhood]
    region: Funder
    partners: list[Funder]
    password: str
    pdf_name: str
    png_name: str
    pdf_size: int
    png_size: int


@dataclass
class Run:
    """One generation: what to write, where rows wait to be written, what was written."""

    spec: Spec
    shared: Shared
    writer: Writer = field(default_factory=Writer)
    summary: Summary | None = None
    user_number: int = 0

    def __post_init__(self):
        if self.summary is None:
            self.summary = Summary(spec=self.spec)


@dataclass
class AssociationWork:
    """One association being generated, with its own `Random` (seeded "association:<index>")."""

    rng: random.Random
    index: int
    association: CarrierAssociation
    town: str
    staff: list[User]
    city: Funder | None
    qpvs: list[Neighbourhood]
    owners: list[User] = field(default_factory=list)
    holders: list[list[Holder]] = field(default_factory=list)


@dataclass
class FundWork:
    """One fund being generated: its committee, its sessions (closed, then planned) and its requests.

    A request is a dict (its status key, the unsaved Application, its seats on agendas, its history events,
    the amount granted, its money and bilan dates), indexed by its order in the fund's plan.
    """

    fund: Fund
    prefix: str
    themes: list[Theme]
    ambitions: list[CvsAmbition]
    committee: Committee
    members: list[CommitteeMember]
    sessions: list[CommitteeSession] = field(default_factory=list)
    planned: list[CommitteeSession] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    seats: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    @property
    def voting(self) -> list[CommitteeMember]:
        return [m for m in self.members if m.college != "ex_officio"]

    @property
    def all_sessions(self) -> list[CommitteeSession]:
        return self.sessions + self.planned
