"""Rewrite every golden file from the current code (`make golden`), then read the diff."""

from tests.golden_data import CORPORA, VIEWS, VIEWS_DIR, dump, expected, view_content

for folder, golden in CORPORA.items():
    golden.mkdir(parents=True, exist_ok=True)
    for name, content in expected(folder).items():
        (golden / f"{name}.json").write_text(dump(content), encoding="utf-8")
        print(f"wrote {golden / name}.json")
VIEWS_DIR.mkdir(parents=True, exist_ok=True)
for name in VIEWS:
    (VIEWS_DIR / f"{name}.json").write_text(dump(view_content(name)), encoding="utf-8")
    print(f"wrote {VIEWS_DIR / name}.json")
