"""Static files storage for production: hashed names, compressed copies.

Hashed names (app.3f2a….css) let WhiteNoise send far-future cache headers,
so a repeat visit downloads nothing but the page. WhiteNoise also writes
gzip (and brotli, when the Brotli package is installed) copies at
collectstatic time and serves the one the browser accepts.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """The manifest storage, tolerant of references to files nobody ships.

    django-jalali's admin style sheets name images it does not include; the
    stock storage aborts collectstatic on them. Such a reference is left as
    written (the browser gets a 404 for a decorative image, as before), and a
    name missing from the manifest falls back to its plain URL.
    """

    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and not self.exists(filename or name):
                return name
            raise
