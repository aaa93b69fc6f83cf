"""Persian first: the interface language is the user's explicit choice, never the browser's.

Office computers often run an English browser; Django's LocaleMiddleware would
then show English to people who read Persian. Here the language comes only
from the language cookie (set by the language switch, /i18n/setlang/), else
settings.LANGUAGE_CODE.
"""

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin


class ChosenLanguageMiddleware(MiddlewareMixin):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
