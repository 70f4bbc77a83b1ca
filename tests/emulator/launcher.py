"""Test AWS emulator for batchtop: moto 5.2.5 in server mode plus a small middleware.

    python launcher.py [--host 127.0.0.1] [--port 0] [--log-requests]

Prints exactly one line, `READY <port>`, to stdout once the socket accepts
connections; everything else goes to stderr.  Stops cleanly on SIGTERM/SIGINT.
See README.md beside this file for the control endpoints.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback only)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--log-requests", action="store_true", help="log each request to stderr")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the emulator binds to a loopback address only")

    # Keep stdout for the READY line: anything moto or werkzeug prints goes to stderr.
    ready_out = sys.stdout
    sys.stdout = sys.stderr
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.log_requests else logging.WARNING)

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    import bookmarks
    import crawlers
    import dq
    import emr_api
    import glue_ext
    import job_stop
    import logs_filter
    import logs_tail
    import workflow_api
    from middleware import BatchtopMiddleware

    for module in (glue_ext, job_stop, bookmarks, crawlers, workflow_api, emr_api):
        module.install()
    dq.install()  # Glue Data Quality (dq*.py)
    logs_filter.install()  # CloudWatch Logs: event ids, FilterLogEvents, patterns (logs_*.py)
    logs_tail.install()  # StartLiveTail streaming (PutLogEvents hook)
    app = BatchtopMiddleware(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    serving = threading.Thread(target=server.serve_forever, name="emulator", daemon=True)
    serving.start()
    # make_server has bound and is listening, so connections are accepted from here on.
    print(f"READY {server.server_port}", file=ready_out, flush=True)

    while not stop.wait(0.5):
        if not serving.is_alive():
            print("emulator: server thread died", file=sys.stderr)
            return 1
    server.shutdown()
    server.server_close()
    print("emulator: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
