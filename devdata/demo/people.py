"""The demo accounts, one per role, all with the same password."""

from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User

DEMO_PASSWORD = "portail-demo-2025"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    first_name: str
    last_name: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("resident", "habitante@demo.example.org", "Nadia", "Lemaire", "Habitante (porteuse de projet)"),
    DemoAccount("resident2", "habitant@demo.example.org", "Karim", "Dubois", "Habitant (second porteur)"),
    DemoAccount(
        "staff", "equipe@hommelet.demo.example.org", "Julie", "Moreau", "Équipe du Centre social de l'Hommelet"
    ),
    DemoAccount(
        "staff2", "equipe@oliveaux.demo.example.org", "Thomas", "Leroy", "Équipe de l'association des Oliveaux"
    ),
    DemoAccount("committee", "comite@demo.example.org", "Fatou", "Diallo", "Membre du comité d'attribution (Hommelet)"),
    DemoAccount("region", "region@demo.example.org", "Claire", "Petit", "Agente de la Région Hauts-de-France"),
    DemoAccount("city", "ville-roubaix@demo.example.org", "Marc", "Fontaine", "Agent de la Ville de Roubaix"),
    DemoAccount(
        "town",
        "mairie@loos.demo.example.org",
        "Pauline",
        "Garnier",
        "Agente de la mairie de Loos-en-Gohelle (fifty/fifty)",
    ),
    DemoAccount("admin", "admin@demo.example.org", "Admin", "Portail", "Administrateur du site"),
    DemoAccount(
        "staff_mel", "equipe@mel.demo.example.org", "Sophie", "Marchand", "Équipe contrat de ville de la MEL (fictive)"
    ),
)


def demo_user(account: DemoAccount) -> User:
    user, _ = User.objects.get_or_create(email=account.email)
    user.first_name = account.first_name
    user.last_name = account.last_name
    user.is_staff = user.is_superuser = account.key == "admin"
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user
