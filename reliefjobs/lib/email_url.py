"""`EMAIL_URL` → Django's email settings, like `DATABASE_URL` for the database.

- `console://` — print messages to the console (the development default);
- `smtp://user:password@host:port` — plain SMTP (port 25 by default);
- `smtp+tls://…` — SMTP with STARTTLS (port 587 by default);
- `smtps://…` — SMTP over TLS (port 465 by default);
- `locmem://` — kept in memory (tests); `dummy://` — thrown away.
User name and password are percent-decoded, so «@» in a password is «%40».
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}
DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "smtps": 465}


def parse(url: str) -> dict[str, object]:
    """Django settings (EMAIL_BACKEND, EMAIL_HOST, …) for an email URL; ValueError if unknown."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ValueError(
            f"EMAIL_URL must start with one of {', '.join(sorted(BACKENDS))}://, not {url!r}"
        )
    settings: dict[str, object] = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme not in DEFAULT_PORTS:
        return settings
    if not parts.hostname:
        raise ValueError(f"EMAIL_URL needs a host: {url!r}")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as error:
        raise ValueError(f"EMAIL_URL has a bad port: {url!r}") from error
    settings.update(
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port,
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=scheme == "smtp+tls",
        EMAIL_USE_SSL=scheme == "smtps",
    )
    return settings
