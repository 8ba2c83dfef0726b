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
