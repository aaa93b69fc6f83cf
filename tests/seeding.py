"""Test data written through the one write path (programs.services.apply_values).

Fixture figures are random or made up, so their plausibility warnings are
accepted with a reason; the rules' errors (hard limits, loan pairing, months
that may not be written) still apply, so fixtures stay valid data.
"""

from programs import services


def apply_values(*, values, by, **options):
    options.setdefault("accept_warnings", True)
    options.setdefault("reason", "داده آزمون")
    return services.apply_values(values=values, by=by, **options)
