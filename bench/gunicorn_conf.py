"""The gunicorn settings of the API benchmark, shared by the app and the bare-Flask baselines.

``gunicorn -c bench/gunicorn_conf.py --bind 127.0.0.1:PORT MODULE:app``: the same file for
every server, so the settings are the same by construction. Each worker touches
``$BENCH_READY_DIR/<pid>`` once it has loaded the application, so the harness knows when
both workers are ready and which processes to charge CPU time to.
"""

import os
from pathlib import Path

workers = 2
worker_class = "sync"
timeout = 120          # an allocation proposal at large scale takes seconds, not minutes
graceful_timeout = 10
loglevel = "warning"
accesslog = None       # no access log: its cost is not the app's


def post_worker_init(worker):
    ready_dir = os.environ.get("BENCH_READY_DIR")
    if ready_dir:
        Path(ready_dir, str(worker.pid)).touch()
