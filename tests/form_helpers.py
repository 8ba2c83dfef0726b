"""Shared by the tests that post a Django formset: the fields of its management form."""


def management(prefix: str, total: int, initial: int = 0, max_num: int = 1000) -> dict[str, str]:
    """`total` forms posted, `initial` of them already saved (the page's INITIAL_FORMS); MIN and MAX as sent."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(max_num),
    }
