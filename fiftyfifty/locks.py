"""The fifty/fifty app's row locks, in the portal's one order (docs/architecture.md): fund first, then the
project (its convention and signatures are only changed with the project locked)."""

from fiftyfifty.models import Initiative, Project


def lock_project(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("fund__association").get(pk=project.pk)


def lock_initiative(initiative: Initiative) -> Initiative:
    return Initiative.objects.select_for_update(of=("self",)).select_related("fund__association").get(pk=initiative.pk)
