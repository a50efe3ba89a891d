"""Load generator for scripts/loadtest.py: a separate process (asyncio + aiohttp) that keeps
N connections busy against one base URL on 127.0.0.1 until a deadline, and writes one record
per request (start, latency, status, kind, clean 503 page or not) to a JSON file.

    python scripts/loadgen.py --base http://127.0.0.1:8123 --urls urls.json --duration 60 --out out.json
"""

import argparse
import asyncio
import json
import random
import time
from urllib.parse import urlsplit

import aiohttp

CLEAN_503_TEXT = b"We will be back shortly"


async def worker(session, base, urls, deadline, max_requests, records, seed):
    rng = random.Random(seed)
    while time.time() < deadline and len(records) < max_requests:
        kind, path = rng.choice(urls)
        start = time.time()
        clean = None
        try:
            async with session.get(base + path, allow_redirects=False) as response:
                body = await response.read()
                status = response.status
                if status >= 500:
                    clean = CLEAN_503_TEXT in body and b"Traceback" not in body
        except (aiohttp.ClientError, TimeoutError, OSError):
            status = 0  # no HTTP answer at all
        records.append((start, time.time() - start, status, kind, clean))


async def run(args) -> list:
    host = urlsplit(args.base).hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"refusing to load {host}: this load generator only targets 127.0.0.1")
    with open(args.urls) as handle:
        urls = [tuple(entry) for entry in json.load(handle)]
    records: list = []
    deadline = time.time() + args.duration
    connector = aiohttp.TCPConnector(limit=args.concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=args.request_timeout)
    headers = {"User-Agent": "spasminfo-loadtest", "Accept-Encoding": "gzip"}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, headers=headers) as session:
        await asyncio.gather(
            *(
                worker(session, args.base, urls, deadline, args.max_requests, records, seed)
                for seed in range(args.concurrency)
            )
        )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--urls", required=True, help='JSON list of ["kind", "/path/"] (repeat an entry to weight it)')
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--max-requests", type=int, default=2_000_000)
    parser.add_argument("--request-timeout", type=float, default=30)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    records = asyncio.run(run(args))
    with open(args.out, "w") as handle:
        json.dump(records, handle)


if __name__ == "__main__":
    main()
