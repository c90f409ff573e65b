"""A 督办通知单 (supervision notice) for one supervision item, as a numbered Word document.

Written by the same GB/T 9704 writer as the reports, in the region's document frame: the organ's
mark and a number of the office's pattern (the item's place among the region's items of its year),
the unit as 主送, the matter in a two-column table, the reply asked for, then the signature, the date and the 版记.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from targets.choices import Light

from .compose import frame_block
from .document import Column, DocumentBuilder, chinese_date


def notice_word() -> str:
    """The kind's word a number pattern's {word} stands for on a notice (督办)."""
    return str(_("supervision notice word"))


def notice_content(*, item, frame, serial: int) -> dict:
    issued_on = timezone.localdate(item.issued_at)
    target = item.indicator.target
    doc = DocumentBuilder(
        title=str(_("Supervision notice")),
        doc_number=frame.number(year=issued_on.year, serial=serial, word=notice_word()),
        issuer=frame.signature,
        issued_on=issued_on,
        frame={**frame_block(frame), "main_recipients": f"{item.unit.name}："},
        opening=str(_("The matter below is put under supervision:")),
    )
    light = Light(item.light_when_issued).label if item.light_when_issued else "—"
    doc.table(
        _("Matter under supervision"),
        [Column(_("item")), Column(_("content"))],
        [
            [str(_("task")), str(target)],
            [str(_("indicator")), item.indicator.name],
            [str(_("light when issued")), str(light)],
            [str(_("what is asked")), item.notice],
            [str(_("reply by")), chinese_date(item.reply_due)],
        ],
        key="notice",
    )
    # The notice ends in a sentence, not in its table: the signature keeps with the body's last paragraph, so
    # it never goes over to a page of its own (GB/T 9704 7.3.5: the signature stands with the text).
    doc.paragraph(
        _("Answer with the measures taken and the date they will be completed by %(date)s.")
        % {"date": chinese_date(item.reply_due)}
    )
    return doc.as_dict()
