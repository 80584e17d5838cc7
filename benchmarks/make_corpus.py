"""A deterministic corpus of saved Cambridge Core chapter pages, for benchmarks and tests.

    python benchmarks/make_corpus.py OUT --count N --seed S [--flat]

Writes N pages under OUT, one folder per book (or, with --flat, all in OUT itself under
names that mix the books up), in both layouts (the compact list and the
full page), with arabic and roman page ranges, 1-30 summary paragraphs, some pages cut off
mid-download, some with CRLF line ends or a byte-order mark, and about 1 in 100 pages near
100 KB. OUT/truth.jsonl holds, per page, what the whole page states (the benchmark checks
the tool against it: a cut-off page may leave a field null, never give another value).
Standard library only; the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

WORDS = """
age alliance archive army authority balance bank border bureau campaign capital
century change church city coast colony commerce committee community conference
congress contract council court crisis crown culture debt decline democracy diplomacy
dispute doctrine economy election elite empire enterprise estate exchange exile faith
famine finance fleet frontier government harbour heritage identity industry influence
institution journey justice kingdom labour land law league liberty literature market
memory merchant migration ministry mission monarchy movement nation navy network order
parliament party peace people policy politics port power press province reform region
religion republic revolution rule science security settlement society sovereignty
state strike supply tariff territory trade treaty union university village war wealth
welfare
""".split()
ADJECTIVES = """
early late modern imperial colonial civil foreign domestic northern southern eastern
western urban rural global local radical liberal conservative popular private public
maritime continental atlantic baltic pacific national international industrial
""".split()
VOCABULARY = WORDS + ADJECTIVES
NAMES = """
Anna Boris Clara David Elena Farid Grace Hassan Irene Jonas Karin Leon Maria Nadia
Oskar Pavel Rosa Samuel Tamar Viktor Wanda Yusuf Zofia
""".split()
SURNAMES = """
Abbott Berg Castillo Dvorak Eriksen Fischer Gorski Haddad Ivanova Jensen Kowalski
Lindqvist Moreau Novak Okafor Petrov Quinn Rossi Sato Tanaka Urban Varga Weber Young
""".split()
PLACES = """
Leeds Oxford Warsaw Riga Lund Geneva Chicago Toronto Melbourne Kyoto
""".split()
MONTHS = """
January February March April May June July August September October November December
""".split()
FRONT = ["Frontmatter", "Contents", "Preface", "Acknowledgements", "List of abbreviations"]
BACK = ["Conclusions", "Bibliography", "Index"]
PUBLISHERS = ["Cambridge University Press"] * 9 + ["Edinburgh University Press"]
CHROME_TOP = (
    "Skip to main content Accessibility help\n×\n"
    "Hostname: page-component-745bb68f8f-5r2nc Total loading time: 0 Render date: "
    "{render} Has data issue: false hasContentIssue false\n"
)
CHROME_BOTTOM = (
    "\nAccess options\n\nGet access to the full version of this content by using one of "
    "the access options below. (Log in options will check for institutional or personal "
    "access. Content may require purchase if you do not have access.)\n\n"
    "Save book to Kindle\n\nFind out more about the Kindle Personal Document Service.\n\n"
    "Available formats\n×\n"
)


@dataclass
class Book:
    slug: str
    title: str
    subtitle: str
    publisher: str
    year: int
    online: str
    entries: list[tuple[int | None, str]]  # the contents list: (chapter number, title)
    spans: list[tuple[str, str]] = field(default_factory=list)  # each entry's page range


def roman(n: int) -> str:
    out = ""
    for value, digits in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + digits, n - value
    return out


def phrase(rng: random.Random, words: int) -> str:
    parts = [rng.choice(ADJECTIVES if i % 2 == 0 else WORDS) for i in range(words)]
    return " ".join(parts)


def sentence(rng: random.Random) -> str:
    text = " ".join(rng.choices(VOCABULARY, k=rng.randint(8, 24)))  # one call: 100k pages
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, long: bool) -> str:
    return " ".join(
        sentence(rng) for _ in range(rng.randint(20, 40) if long else rng.randint(2, 8))
    )


def make_book(rng: random.Random, n: int) -> Book:
    title = f"The {phrase(rng, 2).title()}"
    subtitle = f"{phrase(rng, 3).capitalize()}, {rng.randint(1700, 1950)}–{rng.randint(10, 99)}"
    year = rng.randint(1960, 2024)
    chapters = rng.randint(4, 14)
    front = FRONT[: rng.randint(2, len(FRONT))]
    entries: list[tuple[int | None, str]] = [(None, t) for t in front]
    entries.append((None, f"Introduction: {phrase(rng, 3)}"))
    entries += [(i, phrase(rng, rng.randint(2, 6)).capitalize()) for i in range(1, chapters + 1)]
    entries += [(None, t) for t in BACK]
    book = Book(
        slug=f"book-{n:05d}",
        title=title,
        subtitle=subtitle,
        publisher=rng.choice(PUBLISHERS),
        year=year,
        online=f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(max(year, 2000), 2024)}",  # noqa: E501
        entries=entries,
    )
    page, front_page = 1, 7
    for _, title in entries:
        if title in FRONT:  # front matter: roman page numbers
            length = rng.randint(1, 6)
            book.spans.append((roman(front_page), roman(front_page + length)))
            front_page += length + 1
        else:
            length = rng.randint(8, 50)
            book.spans.append((str(page), str(page + length)))
            page += length + 1
    return book


def list_page(book: Book, at: int, summary: list[str], heading: str | None) -> str:
    number, title = book.entries[at]
    first, last = book.spans[at]
    bullets = "".join(f"- {'' if n is None else f'{n} '}{t}\n" for n, t in book.entries)
    text = f"Book contents\n{bullets}"
    if number is not None:
        text += (
            f"{number} - {title}\nPublished online by Cambridge University Press: {book.online}\n"
        )
    text += bullets + "Summary\n"
    text += "".join(f"{line}\n" for line in ([heading] if heading else []) + summary)
    return text + (
        "- Type\n- Chapter\n- Information\n"
        f"- {book.title}{book.subtitle}, pp. {first} - {last}Publisher: {book.publisher}"
        f"Print publication year: {book.year}\n"
    )


def page_page(
    rng: random.Random, book: Book, at: int, summary: list[str], heading: str | None
) -> str:
    number, title = book.entries[at]
    first, last = book.spans[at]
    render = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00.000Z"
    text = CHROME_TOP.format(render=render) + "\n"
    text += f"{title}\n\n" if number is None else f"{number} - {title}\n\n"
    text += f"Published online by Cambridge University Press:  {book.online}\n\n"
    for _ in range(rng.choice([0, 0, 1, 2])):
        name = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}"
        text += f"{name}\nAffiliation:\nUniversity of {rng.choice(PLACES)}\n"
    text += "\nGet access\n\nSummary\n\n"
    text += "".join(f"{line}\n\n" for line in ([heading] if heading else []) + summary)
    text += (
        f"Type\nChapter\nInformation\n{book.title}\n{book.subtitle}\n, pp. {first} - {last}\n"
        f"Publisher: {book.publisher}\nPrint publication year: {book.year}\n"
    )
    return text + CHROME_BOTTOM


def make_page(rng: random.Random, book: Book, at: int) -> tuple[str, dict[str, object]]:
    number, title = book.entries[at]
    long = rng.random() < 0.01  # about 1 in 100 pages near 100 KB
    count = 30 if long else rng.randint(1, 30 if rng.random() < 0.1 else 4)
    summary = [paragraph(rng, long) for _ in range(count)]
    heading = phrase(rng, rng.randint(3, 7)).capitalize() if rng.random() < 0.5 else None
    layout = "list" if rng.random() < 0.5 else "page"
    if layout == "list":
        text = list_page(book, at, summary, heading)
    else:
        text = page_page(rng, book, at, summary, heading)
    states_heading = layout == "page" or number is not None
    day, month, year = book.online.split()
    truth: dict[str, object] = {
        "layout": layout,
        "number": number,
        "title": title if states_heading else None,
        "pages": list(book.spans[at]),
        "book": f"{book.title}: {book.subtitle}",
        "publisher": book.publisher,
        "print_year": book.year,
        "published_online": (
            f"{year}-{MONTHS.index(month) + 1:02d}-{day}" if states_heading else None
        ),
        "paragraphs": count,
        "cut": False,
    }
    return text, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flat", action="store_true", help="every page in OUT itself")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    written = 0
    with (args.out / "truth.jsonl").open("w", encoding="utf-8") as truth_file:
        n = 0
        while written < args.count:
            book = make_book(rng, n)
            n += 1
            folder = args.out if args.flat else args.out / book.slug
            folder.mkdir(exist_ok=True)
            pages = rng.sample(
                range(len(book.entries)), k=min(len(book.entries), rng.randint(3, 30))
            )
            for at in sorted(pages):
                if written == args.count:
                    break
                text, truth = make_page(rng, book, at)
                if rng.random() < 0.03:  # cut off mid-download, anywhere after the first line
                    text = text[: rng.randint(text.index("\n") + 1, len(text) - 1)]
                    truth["cut"] = True
                newline = "\r\n" if rng.random() < 0.05 else "\n"
                data = text.replace("\n", newline).encode("utf-8")
                if rng.random() < 0.03:
                    data = b"\xef\xbb\xbf" + data
                name = f"{at:02d}-{rng.getrandbits(32):08x}"
                if args.flat:  # the hash first: a book's pages far apart, as saved pages are
                    name = f"{name[3:]}-{book.slug}-{at:02d}"
                (folder / f"{name}.txt").write_bytes(data)
                truth["id"] = name if args.flat else f"{book.slug}/{name}"
                truth_file.write(json.dumps(truth, ensure_ascii=False) + "\n")
                written += 1


if __name__ == "__main__":
    main()
