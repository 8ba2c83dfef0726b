"""find_orphan_files: files under MEDIA_ROOT that no row references, listed and (with --delete) removed."""

from io import StringIO

from django.core.management import call_command

from tests import factories as f


def test_lists_and_deletes_only_the_orphans(world, resident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = f.AttachmentFactory(application=f.ApplicationFactory(fund=world.fund, created_by=resident))
    kept = tmp_path / attachment.file.name
    orphan = tmp_path / "pieces" / "perdu.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.4")

    out = StringIO()
    call_command("find_orphan_files", stdout=out)
    assert str(orphan) in out.getvalue() and str(kept) not in out.getvalue()
    assert orphan.exists()

    call_command("find_orphan_files", "--delete", stdout=StringIO())
    assert not orphan.exists() and kept.exists()
