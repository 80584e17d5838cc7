"""Rewrite every golden file from the current code (`make golden`), then read the diff."""

from tests.golden_data import CORPORA, dump, expected

for folder, golden in CORPORA.items():
    golden.mkdir(parents=True, exist_ok=True)
    for name, content in expected(folder).items():
        (golden / f"{name}.json").write_text(dump(content), encoding="utf-8")
        print(f"wrote {golden / name}.json")
