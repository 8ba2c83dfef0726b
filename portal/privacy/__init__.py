"""Personal data (RGPD): a resident's export, closing an account, and the purge after the retention period.

`export_user_data(user=...)`: what the portal holds about one person, as a JSON-ready dict
(`/compte/mes-donnees.json`). Stable structure, version 1; a key is only ever added, a change of meaning
gets a new version number:

    format            "portail-pic/donnees-personnelles"
    version           1
    generated_at      ISO 8601 date and time of the export
    account           email, first_name, last_name, phone, date_joined, last_login, email_confirmed_at, is_active
    roles             carrier_associations [name], funders [name],
                      committees [{committee, fund, college, organisation, mandate_start, mandate_end}]
    holders           [{id, kind, name, referent_name, referent_phone, co_holders_count, co_holders_first_names,
                        siret, rna, address, postcode, city, republican_commitment_accepted_at, created_at,
                        updated_at}]
    applications      requests the person filed or drafted:
                      [{id, reference, status, status_label, fund {slug, name, year}, holder_id, title, theme,
                        ambition, objectives, description, starts_at, ends_at, place, neighbourhood {code, name},
                        expected_public, expected_women, expected_men, residents_mobilised, amount_requested,
                        showcase_consent, submitted_at, created_at, updated_at,
                        budget_lines [{side, category, grant_source, label, amount}],
                        status_changes [{transition, from_status, to_status, comment, created_at, by_me}],
                        attachments [{kind, original_name, content_type, size, uploaded_at}] (never the files),
                        deferrals [{reason, deferred_at, sent_back_at, changes [{field, old, new}],
                                    attachments_added [{id, kind, name, removed?}]}],
                        decisions [{outcome, amount_granted, conditions, reason, decided_at}],
                        payments [{kind, amount, paid_on, method}],
                        bilan (null or every field of the bilan form, with expenses, effects and attachments'
                               metadata), cvs_bilan (null or every field of the annex 3, with objectives, partners
                               and budget_lines)}]
    messages          messages the person wrote: [{application, body, created_at,
                                                   attachment (null or {name, content_type, size}: never the file)}]

Dates are ISO 8601 strings, amounts decimal strings ("250.00"). Other people's data (staff notes,
committee votes, messages written by others, who took each step) is not part of it.

`close_account(user=..., password=...)`: drafts are deleted (with their files), holders used by no filed
request too, roles are given up; filed requests stay for the carrier association and the funders, but the
account is anonymised ("Compte fermé", `closed-<id>@invalid`, no phone, no password) and deactivated.

`purge_personal_data(dry_run=...)`: requests closed, refused, ineligible or withdrawn for longer than
settings.PERSONAL_DATA_RETENTION_DAYS (counted from their last status change) lose their personal data: holder
identity (when none of its requests is still running), messages and their files, comments, staff notes,
attachments and their files, what the request said at each deferral, bilan reminders (e-mail addresses), bilan
receipts and photos, and the free texts of the bilans that no report reads. Kept, because the annual reports
and the public showcase are made of them: amounts, counts, themes, neighbourhoods, dates, statuses, decisions,
effects, the request's title and description, and the bilans' difficulties, ideas, positive points and
results. Running it again changes nothing.
"""

from portal.privacy.closing import CLOSED_ACCOUNT_FIELDS, CLOSED_ACCOUNT_NAME, ClosedAccount, close_account
from portal.privacy.export import EXPORT_FORMAT, EXPORT_VERSION, export_user_data
from portal.privacy.purge import (
    ANONYMISED_HOLDER_NAME,
    BILAN_PRIVATE_TEXTS,
    CVS_BILAN_PRIVATE_FIELDS,
    ENDED_STATUSES,
    HOLDER_ANONYMOUS,
    REMOVED_TEXT,
    PurgeReport,
    purge_candidates,
    purge_personal_data,
)

__all__ = [
    "ANONYMISED_HOLDER_NAME",
    "BILAN_PRIVATE_TEXTS",
    "CLOSED_ACCOUNT_FIELDS",
    "CLOSED_ACCOUNT_NAME",
    "CVS_BILAN_PRIVATE_FIELDS",
    "ENDED_STATUSES",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "HOLDER_ANONYMOUS",
    "REMOVED_TEXT",
    "ClosedAccount",
    "PurgeReport",
    "close_account",
    "export_user_data",
    "purge_candidates",
    "purge_personal_data",
]
