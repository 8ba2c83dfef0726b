from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.functional import lazy

from accounts import views
from accounts.forms import EmailAuthenticationForm, EmailPasswordResetForm

# E-mails are rendered without the request context processors: pass the portal name explicitly.
_email_context = {"PORTAL_NAME": lazy(lambda: settings.PORTAL_NAME, str)()}

urlpatterns = [
    path("", views.account, name="account"),
    path("inscription/", views.signup, name="signup"),
    path("inscription/verifiez-vos-emails/", views.signup_done, name="signup_done"),
    path("confirmer/renvoyer/", views.resend_confirmation, name="resend_confirmation"),
    path("confirmer/<uidb64>/<token>/", views.confirm_email, name="confirm_email"),
    path("adresse-email/", views.email_change, name="email_change"),
    path("adresse-email/confirmer/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path(
        "connexion/",
        views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            form_class=EmailPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            extra_email_context=_email_context,
        ),
        name="password_reset",
    ),
    path("mot-de-passe/oubli/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/nouveau/fait/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path("mot-de-passe/changer/fait/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
