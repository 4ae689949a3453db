"""HTML to PDF with WeasyPrint (needs Pango on the host)."""

from django.conf import settings


def from_html(html: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which only the PDF paths need

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
