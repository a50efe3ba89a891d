"""The fingerprint of what a reviewer is shown: SHA-256 of its snapshot as canonical JSON.

Kept free of imports so models of any app can compute it; comparing fingerprints is
`articles.signoff`'s job alone.
"""

import hashlib
import json


def snapshot_fingerprint(snapshot: dict | list) -> str:
    """Equal fingerprints mean equal snapshots (keys sorted, no whitespace, text as UTF-8)."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
