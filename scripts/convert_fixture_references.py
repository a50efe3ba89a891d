#!/usr/bin/env python3
"""Move the demo articles' numbered reference lists into fixtures/sources.yaml, cited by key.

    python scripts/convert_fixture_references.py [fixtures]

For each fixtures/articles/*.md with a `references:` list in its front matter:
every entry becomes (or finds) one source in sources.yaml (the same work, by DOI,
PMID or URL, or kind, title and year, is entered once), the list is removed, and
the body and FAQ answers cite by key: [@1,3] -> [@key1; @key3]. Works on whatever
text the files hold; files without a reference list are left alone, so running it
twice changes nothing. The rest of each file is kept byte for byte.
"""

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from references.keys import identities, rekey, suggest_key

FIELD_ORDER = ("key", "kind", "authors", "title", "source", "year", "volume", "issue", "pages", "url", "pmid", "doi")
TOP_LEVEL_KEY = re.compile(r"^[A-Za-z_]+:")


def split_front_matter(text: str) -> tuple[str, str]:
    _, front, body = text.split("---", 2)
    return front, body


def without_references(front: str) -> str:
    kept, skipping = [], False
    for line in front.splitlines(keepends=True):
        if line.startswith("references:"):
            skipping = True
            continue
        if skipping and TOP_LEVEL_KEY.match(line):
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept)


def main(root: Path) -> int:
    sources_file = root / "sources.yaml"
    library = (
        (yaml.safe_load(sources_file.read_text(encoding="utf-8")) or {}).get("sources", [])
        if sources_file.exists()
        else []
    )
    by_identity = {i: entry for entry in library for i in identities(entry)}
    taken = {entry["key"] for entry in library}
    converted = 0
    for path in sorted((root / "articles").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front, body = split_front_matter(text)
        meta = yaml.safe_load(front) or {}
        references = meta.get("references")
        if not references:
            continue
        keys = {}
        for number, record in enumerate(references, start=1):
            found = identities(record)
            entry = next((by_identity[i] for i in found if i in by_identity), None)
            if entry is None:
                entry = {"key": suggest_key(record, taken), **{k: v for k, v in record.items() if v not in ("", None)}}
                taken.add(entry["key"])
                library.append(entry)
            for identity in found:
                by_identity.setdefault(identity, entry)
            keys[number] = entry["key"]
        new_front = rekey(without_references(front), keys)
        path.write_text(f"---{new_front}---{rekey(body, keys)}", encoding="utf-8")
        converted += 1
    ordered = [{k: entry[k] for k in FIELD_ORDER + tuple(entry) if k in entry} for entry in library]
    header = "# The shared source library: cite an entry in an article as [@key] (see docs/editors.md).\n"
    sources_file.write_text(
        header + yaml.safe_dump({"sources": ordered}, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8"
    )
    print(f"{converted} articles converted; {len(library)} sources in {sources_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures")))
