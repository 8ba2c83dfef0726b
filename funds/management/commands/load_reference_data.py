from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funds.services import ReferenceDataError, load_reference_data

LABELS = {
    "themes": gettext_lazy("Thématiques"),
    "stakes": gettext_lazy("Enjeux du contrat de ville"),
    "ambitions": gettext_lazy("Ambitions du contrat de ville"),
    "neighbourhoods": gettext_lazy("Quartiers prioritaires (QPV)"),
}


class Command(BaseCommand):
    help = _(
        "Charge les données de référence : les 10 thématiques du PIC, les enjeux et ambitions du contrat "
        "de ville et des solidarités, les 26 QPV 2024 de la Métropole Européenne de Lille. "
        "Peut être relancée sans créer de doublon."
    )

    def handle(self, *args, **options):
        try:
            result = load_reference_data()
        except ReferenceDataError as error:
            raise CommandError(_("Données de référence non chargées : %(error)s") % {"error": error}) from error
        for key, label in LABELS.items():
            counts = result[key]
            self.stdout.write(
                _("%(label)s : %(created)d créé(s), %(updated)d mis à jour, %(unchanged)d inchangé(s)")
                % {"label": label, **counts}
            )
