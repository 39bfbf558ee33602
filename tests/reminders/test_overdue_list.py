"""The supervisors' overdue list as a document."""


def test_overdue_docx_table_fits_the_text_block():
    from flows.reminders.overdue_docx import COL_WIDTHS

    assert sum(COL_WIDTHS) == round(156 / 25.4 * 1440)  # 156 mm in twips: nothing runs off the page
