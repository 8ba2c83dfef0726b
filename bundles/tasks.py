"""Background tasks of the bundles (Celery): build one bundle, delete the expired ones."""

from celery import shared_task

from bundles import services


@shared_task(name="bundles.build", ignore_result=True)
def build(bundle_id: int) -> None:
    services.build_bundle(bundle_id=bundle_id)


@shared_task(name="bundles.purge_expired", ignore_result=True)
def purge_expired() -> int:
    return services.purge_expired()
