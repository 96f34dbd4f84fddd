"""Serve Huifang with waitress and, by default, its task worker in the same process.

One process, no other server: the embedded default of spec P4. For scale-out run
`serve --no-worker` behind a load balancer and `run_huey` workers beside it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from huey.contrib.djhuey import HUEY
from waitress.server import create_server

from huifang.core.tasks import heartbeat
from huifang.wsgi import application

logger = logging.getLogger("huifang.serve")


class Command(BaseCommand):
    help = "Serve the web interface (waitress) with the embedded background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.HUIFANG_HOST)
        parser.add_argument("--port", type=int, default=settings.HUIFANG_PORT)
        parser.add_argument("--threads", type=int, default=8, help="web request threads")
        parser.add_argument(
            "--no-worker",
            dest="worker",
            action="store_false",
            default=settings.HUIFANG_EMBEDDED_WORKER,
            help="serve web requests only; run `manage.py run_huey` separately",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = create_server(
            application, host=options["host"], port=options["port"], threads=options["threads"]
        )
        self.stdout.write(f"Huifang is serving at http://{options['host']}:{options['port']}/")
        if not options["worker"]:
            server.run()
            return
        # The worker owns the main thread because it handles SIGINT/SIGTERM/SIGHUP; the
        # web server runs beside it and dies with the process.
        web = threading.Thread(target=server.run, name="web", daemon=True)
        web.start()
        consumer_options = dict(settings.HUEY.get("consumer", {}))
        consumer = HUEY.create_consumer(**consumer_options)
        heartbeat()  # report at once instead of waiting for the first full minute
        consumer.run()
        server.close()
