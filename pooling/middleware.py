"""Remember ?maker=<code> (a link from an artisan's profile page) in the session for the basket receiver."""

from .receivers import SESSION_MAKER


class RememberMaker:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.GET.get("maker", "")
        # A short slug only; anything else is ignored rather than stored.
        if code and len(code) <= 20 and code.replace("-", "").isalnum() and hasattr(request, "session"):
            request.session[SESSION_MAKER] = code
        return self.get_response(request)
