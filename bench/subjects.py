"""The rows of the region's load data the measures look at: the biggest fund and the busiest holder."""


def biggest_fund():
    """The fund with the most filed requests, annotated with `filed`."""
    from django.db.models import Count, Q

    from funds.models import Fund

    return (
        Fund.objects.filter(slug__startswith="charge-")
        .annotate(filed=Count("applications", filter=Q(applications__submitted_at__isnull=False)))
        .order_by("-filed", "slug")
        .first()
    )


def busiest_holder() -> tuple:
    """The account that filed the most requests, and how many."""
    from django.db.models import Count

    from accounts.models import User
    from applications.models import Application

    holder_row = (
        Application.objects.filter(fund__slug__startswith="charge-")
        .values("created_by")
        .annotate(n=Count("pk"))
        .order_by("-n", "created_by")
        .first()
    )
    return User.objects.get(pk=holder_row["created_by"]), holder_row["n"]


def typical_association():
    """The association with the median number of filed requests (not an outlier: about the same size at every
    scale, so that its pages' times can be compared across scales), and its first staff account."""
    from django.db.models import Count, Q

    from accounts.models import User
    from funds.models import CarrierAssociation

    associations = list(
        CarrierAssociation.objects.filter(slug__startswith="charge-")
        .annotate(n=Count("funds__applications", filter=Q(funds__applications__submitted_at__isnull=False)))
        .order_by("n", "slug")
    )
    association = associations[len(associations) // 2]
    staff = User.objects.filter(association_links__association=association).order_by("email").first()
    return association, staff


def typical_fund(association):
    """The association's fund of the current year (the reference day's), annotated with `filed`."""
    from django.db.models import Count, Q

    from devdata.loaddata.constants import TODAY
    from funds.models import Fund

    return (
        Fund.objects.filter(association=association, year__lte=TODAY.year)
        .annotate(filed=Count("applications", filter=Q(applications__submitted_at__isnull=False)))
        .order_by("-year", "pk")
        .first()
    )


def holders(count: int) -> list[tuple]:
    """The `count` accounts with the most requests after the busiest one (whose size grows with the scale):
    (user, number of requests), to vary the user in the throughput test and to compare scales."""
    from django.db.models import Count

    from accounts.models import User
    from applications.models import Application

    rows = list(
        Application.objects.filter(fund__slug__startswith="charge-")
        .values("created_by")
        .annotate(n=Count("pk"))
        .order_by("-n", "created_by")[1 : count + 1]
    )
    users = User.objects.in_bulk([row["created_by"] for row in rows])
    return [(users[row["created_by"]], row["n"]) for row in rows]


SAME_SIZE_HOLDER_REQUESTS = 30


def same_size_holder() -> tuple:
    """The account with the most requests up to 30 (the same size at every scale, for the ratio): (user, n)."""
    from django.db.models import Count

    from accounts.models import User
    from applications.models import Application

    row = (
        Application.objects.filter(fund__slug__startswith="charge-")
        .values("created_by")
        .annotate(n=Count("pk"))
        .filter(n__lte=SAME_SIZE_HOLDER_REQUESTS)
        .order_by("-n", "created_by")
        .first()
    )
    return User.objects.get(pk=row["created_by"]), row["n"]
