"""{% header_row %}: one `<th scope="col">` a label; number columns right-aligned; a hidden actions label."""

from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load portal_tables %}" + source).render(Context(context))


def test_header_row_numeric_from_marks_the_columns_that_hold_numbers():
    html = render('{% header_row _("Fonds") _("Accordé") _("Versé") numeric_from=1 %}')
    assert html == (
        '<tr><th scope="col">Fonds</th><th scope="col" class="num">Accordé</th>'
        '<th scope="col" class="num">Versé</th></tr>'
    )
    html = render('{% header_row _("Type") _("Montant") numeric_from=1 numeric_class="amount" %}')
    assert html == '<tr><th scope="col">Type</th><th scope="col" class="amount">Montant</th></tr>'


def test_header_row_names_an_actions_column_for_screen_readers_only():
    html = render(
        "{% header_row date_label actions_label|visually_hidden %}", date_label="Date", actions_label="<Actions>"
    )
    assert html == (
        '<tr><th scope="col">Date</th><th scope="col"><span class="visually-hidden">&lt;Actions&gt;</span></th></tr>'
    )


def test_data_table_gives_a_shown_caption_its_classes():
    html = render(
        '{% data_table caption=label caption_class="caption-top fw-bold" %}<tr><td>1</td></tr>{% end_data_table %}',
        label="Les habitants",
    )
    assert '<caption class="caption-top fw-bold">Les habitants</caption>' in html
    html = render(
        '{% data_table caption=label caption_class="caption-top" caption_hidden=True %}<tr></tr>{% end_data_table %}',
        label="x",
    )
    assert '<caption class="visually-hidden">x</caption>' in html


def test_header_row_leaves_out_a_column_whose_label_is_empty():
    source = "{% if can_run %}{% translate 'Actions' as actions_label %}{% endif %}{% header_row name actions_label %}"
    assert render("{% load i18n %}" + source, name="Nom", can_run=False) == '<tr><th scope="col">Nom</th></tr>'
    assert render("{% load i18n %}" + source, name="Nom", can_run=True) == (
        '<tr><th scope="col">Nom</th><th scope="col">Actions</th></tr>'
    )
