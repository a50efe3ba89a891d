#!/usr/bin/env python
"""Back a site up, restore it into another database, and compare every table, timed.

    python scripts/backup_roundtrip.py SOURCE_DATABASE_URL TARGET_DATABASE_URL [--archive PATH]

TARGET must be a new, empty database (`createdb NAME`): restore_site brings the schema with the
data. Every table but sessions is
read in full on both sides (each row's text form, sorted, hashed), so any changed, missing
or extra row is a difference. Prints the sizes, the times and the number of differences.
docs/assurance.md names it for the 10,000-article round trip.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DIGESTS = """
import hashlib, json, django
django.setup()
from django.db import connection
digests = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names()):
        if table == "django_session":
            continue
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        rows = sorted(repr(row) for row in cursor.fetchall())
        digests[table] = [len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()]
print(json.dumps(digests))
"""


def run(database_url: str, *args: str) -> tuple[str, float]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "spasminfo.settings.dev",
        "DEBUG": "1",
        "PAGE_CACHE": "0",
    }
    started = time.monotonic()
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)[:80]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--archive", help="where to write the backup (default: a temporary file)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        archive = options.archive or str(Path(work) / "site.tar.gz")
        before, _ = run(options.source, "-c", DIGESTS)
        out, backup_seconds = run(options.source, "manage.py", "backup_site", archive)
        print(out.strip())
        out, restore_seconds = run(options.target, "manage.py", "restore_site", archive)
        print(out.strip())
        after, _ = run(options.target, "-c", DIGESTS)
        before, after = json.loads(before), json.loads(after)
        differences = [t for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)]
        rows = sum(count for count, _ in before.values())
        size = Path(archive).stat().st_size
    print(
        f"backup round trip: {rows} rows in {len(before)} tables, archive {size / 1e6:.1f} MB; "
        f"backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s; {len(differences)} differences"
    )
    for table in differences:
        print(f"  {table}: {before.get(table)} != {after.get(table)}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
