"""Real articles: the shipped Ballerina ones keep their ids; the CDDA pages ingest as they are.

The CDDA pages are read where the eval kit keeps them (../shared/eval/franchise/sources, CC BY-SA
3.0, see its README); the test is skipped where that directory is not checked out.
"""

import re
import tempfile
from pathlib import Path

import pytest
import yaml

from bot.core.ingest import IngestedArticle, ingest_article
from bot.core.loader import load_knowledge_base

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
FRANCHISE = SHARED / "eval" / "franchise" / "sources"
WICK = SHARED / "sources" / "from-the-world-of-john-wick-ballerina.txt"
REVIEW = SHARED / "sources" / "ballerina-2024-review.txt"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path


def loads(article: IngestedArticle) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        text = yaml.safe_dump(article.to_dict(), allow_unicode=True, sort_keys=False)
        (root / f"{article.source_id}.yaml").write_text(text, encoding="utf-8")
        return len(load_knowledge_base(root).entries)


# The headings of the shipped article whose ids curation.yaml is keyed by; the headings with no
# text of their own ("The Origin of Ballerina", "Cast and Crew"...) are groups now, not entries.
WICK_IDS = """introduction why-ballerina-matters-in-the-john-wick-universe
timeline-placement-in-the-franchise first-appearance-in-john-wick-chapter-3
inspiration-behind-the-character character-background-and-history ana-de-armas-as-the-lead
the-ruska-roma-ballet-academy mentors-and-crossovers what-we-know-about-the-story
themes-and-motifs major-stars-in-the-film director-and-writers carrying-on-the-john-wick-legacy
unique-ballerina-combat-style artistic-direction how-it-matches-the-john-wick-world
revenge-vs-redemption personal-loss-and-growth tone-and-narrative-style ballerinas-unique-voice
other-spin-offs-and-crossovers future-possibilities fan-theories what-are-people-hoping-for
whats-been-confirmed-so-far delays-and-behind-the-scenes-buzz new-energy-in-a-familiar-world
a-female-lead-done-right conclusion faq-is-john-wick-in-ballerina
faq-do-i-need-to-watch-all-the-john-wick-movies faq-who-is-directing-ballerina
faq-is-ballerina-based-on-a-real-character-from faq-will-there-be-more-spin-offs-in-the-john-wick
""".split()


def test_the_shipped_feature_keeps_its_ids_and_its_groups_become_parents():
    text = need(WICK).read_text(encoding="utf-8")
    title = "From the World of John Wick: Ballerina"
    article = ingest_article(text, source_id="wick-ballerina", title=title, kind="feature")
    assert [e.id for e in article.entries] == [f"wick-ballerina-{i}" for i in WICK_IDS]
    assert article.groups == 14
    by_id = {e.id: e for e in article.entries}
    assert by_id["wick-ballerina-ana-de-armas-as-the-lead"].parent == "Who Is Ballerina?"
    assert by_id["wick-ballerina-what-are-people-hoping-for"].kind == "faq"
    assert by_id["wick-ballerina-faq-who-is-directing-ballerina"].where == "FAQs › Q3"
    assert loads(article) == len(WICK_IDS)


def test_the_shipped_review_keeps_its_sections_and_drops_its_sign_off():
    text = need(REVIEW).read_text(encoding="utf-8")
    article = ingest_article(
        text, source_id="review-2024", title="Ballerina (2024) review", kind="review"
    )
    assert [e.title for e in article.entries] == [
        "Ballerina (2024) review",
        "Plot Overview",
        "Performances and Characters",
        "Action and Aesthetics",
        "Final Thoughts",
    ]
    assert (article.dropped_from_line, len(article.dropped)) == (15, 7)
    assert article.entries[-1].text.endswith("Rating: 3.5 out of 5 stars")


@pytest.mark.parametrize("kind", ["faq", "article"])
@pytest.mark.parametrize("name", ["cdda-help-faq.md", "cdda-lore-setting.md"])
def test_the_franchise_pages_ingest_as_they_are(name, kind):
    path = need(FRANCHISE / name)
    text = path.read_text(encoding="utf-8")
    article = ingest_article(text, source_id="cdda", title=path.stem, kind=kind)
    assert article.entries and loads(article) == len(article.entries)
    faq_titles = {e.title for e in article.entries if e.kind == "faq"}
    for heading in re.findall(r"^## (.+)$", text, re.MULTILINE):
        heading = " ".join(heading.split())
        if heading.endswith("?"):  # a question heading is an FAQ entry whatever the kind
            assert heading in faq_titles
    if name == "cdda-help-faq.md" and kind == "faq":
        assert article.faq_count == len(re.findall(r"^## ", text, re.MULTILINE)) == 14
