"""`{{ form.field|as_field }}`: the markup of crispy-forms' `as_crispy_field` (bootstrap5), written in Python.

Crispy renders a field through a template of some sixty nodes and its includes (one more per box of a list of
checkboxes): the staff inbox's ten filters cost a third of its page. `as_field` writes the same elements,
attributes and text (only the blank space between tags differs) for the plain fields: a text, number or date
input, a select, a checkbox, a list of checkboxes, with the classes crispy gives the widget. The widget is
written here too when Django's own renderer would draw it with its plain `input.html` or `select.html` (to
the letter), else Django renders it. Any other field (hidden, file, radio buttons, several widgets, a form
with a crispy `helper`) goes through `as_crispy_field`. `tests/test_portal_fields.py` compares them.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_PLAIN_WIDGETS = (Input, forms.Select)
_OTHER_WIDGETS = (forms.FileInput, forms.CheckboxInput, forms.RadioSelect, forms.MultiWidget)


def _widget(field: BoundField, css: str) -> str:
    """The widget as crispy's `{% crispy_field field 'class' css %}` renders it (its classes added to the widget's)."""
    widget = field.field.widget
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    classes = widget.attrs.get("class", "")
    if not classes:
        classes = class_name
    elif classes.find(class_name) == -1:
        classes += f" {class_name}"
    for extra in css.split():
        if extra not in classes.split():
            classes += f" {extra}"
    widget.attrs["class"] = classes
    return _rendered(field)


# Django's widget templates written here, when the form's renderer is Django's own (DjangoTemplates: its
# templates, no project override): those that are its `input.html` alone, its `select.html` with its options.
_INPUT_TEMPLATES = {f"django/forms/widgets/{name}.html" for name in ("text", "number", "date", "email", "checkbox")}
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _rendered(field: BoundField) -> str:
    """`str(field)`: an input or a select of Django's templates is written here, the same way; Django renders
    any other widget (or one that renders itself: `core.widgets.QuickSelect`)."""
    widget = field.field.widget
    written = widget.template_name in _INPUT_TEMPLATES or (
        widget.template_name == _SELECT_TEMPLATE and widget.option_template_name == _OPTION_TEMPLATE
    )
    if not written or type(widget).render is not forms.Widget.render or field.field.localize:
        return str(field)
    if type(field.form.renderer) is not DjangoTemplates:
        return str(field)
    if field.field.show_hidden_initial:
        return str(field)
    attrs = field.build_widget_attrs({}, widget)
    if "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if widget.template_name == _SELECT_TEMPLATE:
        return _select(context)
    value = "" if context["value"] is None else format_html(' value="{}"', context["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>', context["type"], context["name"], value, _attrs(context["attrs"])
    )


def _select(context: dict) -> SafeString:
    """Django's `select.html`, its options through `select_option.html` (blank space included)."""
    parts = []
    for group_name, options, _index in context["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n', option["value"], _attrs(option["attrs"]), option["label"]
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    options_html = mark_safe("".join(parts))
    return format_html('<select name="{}"{}>{}\n</select>', context["name"], _attrs(context["attrs"]), options_html)


def _css(base: str, field: BoundField) -> str:
    return f"{base} is-invalid" if field.errors else base


def _label_text(field: BoundField) -> SafeString:
    if field.field.required:
        return format_html('{}<span class="asteriskField">*</span>', field.label)
    return conditional_escape(field.label)


def _required(field: BoundField) -> str:
    return " requiredField" if field.field.required else ""


def _errors(field: BoundField) -> SafeString:
    """crispy's `field_errors_block.html`."""
    if not field.errors:
        return mark_safe("")
    paragraphs = format_html_join(
        "\n",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)),
    )
    return format_html(
        '\n<div id="{}_error" class="invalid-feedback">\n{}\n</div>\n', field.errors.field_id, paragraphs
    )


def _help_text(field: BoundField) -> SafeString:
    """crispy's `help_text.html` (never inline)."""
    if not field.help_text:
        return mark_safe("")
    return format_html(
        '\n<div id="{}_helptext" class="form-text">{}</div>\n', field.auto_id, mark_safe(field.help_text)
    )


def _wrapper(field: BoundField, inner: SafeString) -> SafeString:
    classes = field.css_classes()
    return format_html(
        '<div id="div_{}" class="mb-3{}">\n{}\n</div>', field.auto_id, f" {classes}" if classes else "", inner
    )


def _label(field: BoundField) -> SafeString:
    if not field.label:
        return mark_safe("")
    target = format_html(' for="{}"', field.id_for_label) if field.id_for_label else ""
    return format_html('<label{} class="form-label{}">\n{}\n</label>\n', target, _required(field), _label_text(field))


def _plain(field: BoundField) -> SafeString:
    """An input or a select: the label, the widget, the errors, the help text."""
    css = _css("form-select" if isinstance(field.field.widget, forms.Select) else "form-control", field)
    widget = _widget(field, css)
    return _wrapper(field, format_html("{}{}\n{}{}", _label(field), widget, _errors(field), _help_text(field)))


def _checkbox(field: BoundField) -> SafeString:
    """One checkbox, its label after it."""
    widget = _widget(field, _css("form-check-input", field))
    label = format_html(
        '<label for="{}" class="form-check-label{}">\n{}\n</label>',
        field.id_for_label,
        _required(field),
        _label_text(field),
    )
    classes = field.css_classes()
    inner = format_html(
        '<div id="div_{}" class="form-check{}">\n{}\n{}\n{}{}\n</div>',
        field.auto_id,
        f" {classes}" if classes else "",
        widget,
        label,
        _errors(field),
        _help_text(field),
    )
    return format_html('<div class="mb-3">\n{}\n</div>', inner)


def _attrs(attrs: dict) -> SafeString:
    """Django's and crispy's `attrs.html`."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _choices(field: BoundField) -> SafeString:
    """A list of checkboxes in a fieldset named by its legend (crispy's `radio_checkbox_select.html`)."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    groups = list(widget.optgroups(field.html_name, widget.format_value(field.value()), attrs))
    invalid = " is-invalid" if field.errors else ""
    parts = []
    for number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            parts.append(format_html("<strong>{}</strong>\n", group))
        for position, option in enumerate(options, start=1):
            last = number == len(groups) and position == len(options)
            parts.append(
                format_html(
                    '<div class="form-check">\n<input type="{}" class="form-check-input{}" name="{}" value="{}" {}>\n'
                    '<label for="{}" class="form-check-label">\n{}\n</label>\n{}</div>\n',
                    option["type"],
                    invalid,
                    field.html_name,
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["attrs"].get("id", ""),
                    str(option["label"]),
                    _errors(field) if last else "",
                )
            )
    boxes = format_html("<div >\n{}</div>\n{}", mark_safe("".join(parts)), _help_text(field))
    if not field.label:
        return _wrapper(field, boxes)
    described = format_html(' aria-describedby="{}"', field.aria_describedby) if field.aria_describedby else ""
    target = format_html(' for="{}"', field.id_for_label) if field.id_for_label else ""
    legend = format_html(
        '<legend{} class="form-label{} fs-6">\n{}\n</legend>\n', target, _required(field), _label_text(field)
    )
    return _wrapper(field, format_html("<fieldset{}>\n{}{}</fieldset>", described, legend, boxes))


@register.filter
def as_field(field: BoundField) -> SafeString:
    """`as_crispy_field`'s markup, written in Python for the plain fields (see the module's docstring)."""
    widget = field.field.widget
    if not field.auto_id or widget.is_hidden or getattr(field.form, "helper", None) is not None:
        return as_crispy_field(field)
    if isinstance(widget, forms.CheckboxSelectMultiple):
        markup = _choices(field)
    elif isinstance(widget, forms.CheckboxInput):
        markup = _checkbox(field)
    elif isinstance(widget, _PLAIN_WIDGETS) and not isinstance(widget, _OTHER_WIDGETS) and not widget.use_fieldset:
        markup = _plain(field)
    else:
        return as_crispy_field(field)
    return format_html("\n{}\n", markup)  # crispy's template starts and ends with blank space too
