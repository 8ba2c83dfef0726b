"""The deferral tests' world: the evening of the session, private media, and a request the committee deferred."""

import pytest
import time_machine

from committees import services as committee_services
from tests.committee_helpers import DEFERRED, make_board, put_on_agenda, seat
from tests.deferrals.helpers import ASKED, EVENING, eligible_with_rib
from tests.request_fixtures import private_media  # noqa: F401  (autouse: uploads go to a temporary folder)


@pytest.fixture(autouse=True)
def on_the_session_evening():
    with time_machine.travel(EVENING, tick=True):
        yield


@pytest.fixture
def deferred(world, staff, resident):
    """A request of `resident` deferred by the committee on 24/05/2025, asking for a quote."""
    board = make_board(world, staff)
    item = put_on_agenda(board, staff, eligible_with_rib(world, resident))
    seat(board, staff, count=3)
    committee_services.decide(user=staff, item=item, outcome=DEFERRED, reason=ASKED)
    committee_services.close_session(user=staff, session=board.session)
    application = item.application
    application.refresh_from_db()
    return application
