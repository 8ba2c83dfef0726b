"""E-mails about a bilan, sent once the transaction has committed."""

from reports import emails, selectors


def notify(*, application_id: int, name: str, staff: bool = False, comment: str = "") -> None:
    application = emails.load(application_id)
    if staff:
        emails.to_staff(application=application, name=name, comment=comment)
    else:
        emails.to_holder(
            application=application, name=name, comment=comment, due_date=selectors.bilan_due_date(application)
        )
