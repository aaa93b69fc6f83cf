"""`manage.py bench` (`make bench`): the national-scale benchmark; prints a table.

Runs against its own database (never the project's): an SQLite file in
bench-data/ by default, `<name>_bench` beside DATABASE_URL's PostgreSQL
database. See reports/bench.py and docs/benchmarks.md.
"""

from django.core.management.base import BaseCommand

from reports import bench


class Command(BaseCommand):
    help = (
        "National-scale benchmark in a separate database; prints a table (see docs/benchmarks.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=int, default=100, help="in-process calls per measure")
        parser.add_argument("--seconds", type=int, default=3, help="wrk duration of each run")
        parser.add_argument(
            "--scale", type=int, default=10, help="offices multiplier of the big variant"
        )
        parser.add_argument(
            "--variants",
            type=int,
            default=3,
            choices=[1, 2, 3],
            help="1x only, with 10x the offices, and with ten years of figures",
        )
        parser.add_argument(
            "--connections", type=int, default=16, help="wrk connections (a front proxy's pool)"
        )
        # Internal: one phase inside the bench database (run by the driver).
        parser.add_argument("--phase", choices=["setup", "grow", "measure"], help="internal")
        parser.add_argument("--out", help="internal")
        parser.add_argument("--what", choices=["offices", "history"], help="internal")

    def handle(self, *args, **options):
        if options["phase"]:
            bench.run_phase(
                options["phase"],
                options["out"],
                calls=options["calls"],
                scale=options["scale"],
                what=options["what"],
            )
            return
        bench.run(
            calls=options["calls"],
            seconds=options["seconds"],
            scale=options["scale"],
            connections=options["connections"],
            variants=options["variants"],
            stdout=self.stdout,
        )
