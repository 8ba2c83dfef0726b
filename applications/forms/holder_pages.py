"""Step 6 and the request page: a document, the submit button, a message, the withdrawal."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Attachment, Message
from core.forms import optional_text
from core.uploads import check_uploaded_file


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["kind", "file"]
        labels = {"kind": _("Type de document"), "file": _("Fichier")}
        widgets = {
            "file": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
            )
        }

    def __init__(self, *args, on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The signed paper form is kept only for a request filed by staff on behalf of its holder.
        kinds = [(k, label) for k, label in Attachment.Kind.choices if on_behalf or k != Attachment.Kind.SIGNED_FORM]
        self.fields["kind"].choices = [("", _("— Choisissez le type —")), *kinds]
        self.fields["kind"].error_messages["required"] = _("Choisissez le type du document.")
        self.fields["file"].required = False
        max_mb = settings.MAX_UPLOAD_SIZE // (1024 * 1024)
        self.fields["file"].help_text = _("PDF, JPEG ou PNG, %(max)s Mo maximum.") % {"max": max_mb}

    def has_file(self) -> bool:
        return bool(self.files.get(self.add_prefix("file")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file"):
            try:
                self.content_type = check_uploaded_file(uploaded_file=cleaned["file"])
            except ValidationError as error:
                self.add_error(None, error)
        elif not self.errors:
            self.add_error("file", _("Choisissez le fichier à envoyer."))
        return cleaned


class SubmitForm(forms.Form):
    """The submit (or resubmit) button; the comment is used only when resubmitting."""

    comment = optional_text(_("Ce que vous avez complété (facultatif)"), max_length=5000, rows=3)
    showcase_consent = forms.BooleanField(
        label=Application._meta.get_field("showcase_consent").verbose_name,
        required=False,
        help_text=_(
            "Facultatif. Votre nom, celui du collectif ou de l'association, vos coordonnées et votre budget ne "
            "sont jamais publiés. Vous pouvez changer d'avis en écrivant à l'association porteuse."
        ),
    )

    def __init__(self, *args, sending_back: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if sending_back:
            self.fields["comment"].label = _("Votre réponse au comité (facultatif)")
            self.fields["comment"].help_text = _(
                "Par exemple : « Le devis du transport est ajouté, le budget est corrigé. »"
            )


class MessageForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["body", "attachment"]
        labels = {"body": _("Votre message"), "attachment": _("Joindre un fichier (facultatif)")}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 4}),
            "attachment": forms.FileInput(
                attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["required"] = _("Écrivez votre message avant de l'envoyer.")
        max_mb = settings.MAX_UPLOAD_SIZE // (1024 * 1024)
        self.fields["attachment"].help_text = _(
            "Un devis, une photo, un document : PDF, JPEG ou PNG, %(max)s Mo maximum."
        ) % {"max": max_mb}

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        if uploaded:
            try:
                check_uploaded_file(uploaded_file=uploaded)
            except ValidationError as error:
                raise ValidationError(error.message_dict["file"]) from None
        return uploaded


class WithdrawForm(forms.Form):
    comment = optional_text(_("Pourquoi retirez-vous votre demande ? (facultatif)"), max_length=5000, rows=3)
