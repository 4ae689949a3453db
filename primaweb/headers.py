"""Browser-side walls every response carries: Content-Security-Policy and Permissions-Policy."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy(*, frame_ancestors: str) -> str:
    directives = {**settings.PRIMAWEB_CONTENT_SECURITY_POLICY, "frame-ancestors": [frame_ancestors]}
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Adds the site's Content-Security-Policy and Permissions-Policy to every response.

    A response that set its own policy keeps it (the PDFs have a stricter one). A response that may be
    framed by our own pages (X-Frame-Options: SAMEORIGIN) says so in the policy too; everything else
    refuses every frame, as X-Frame-Options: DENY does. Place it above XFrameOptionsMiddleware, so that
    it sees the header that one sets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's technical error pages, shown only with DEBUG, are made of inline script and style.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if "Content-Security-Policy" not in response and not debug_page:
            same_origin = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
            response["Content-Security-Policy"] = content_security_policy(
                frame_ancestors="'self'" if same_origin else "'none'"
            )
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PRIMAWEB_PERMISSIONS_POLICY
        return response
