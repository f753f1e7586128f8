"""``manage.py load_demo``: articles, threaded comments and a superuser for trying the site.

Safe to run again: articles are matched by slug and comments by a demo id, so a second run
creates nothing new. Comments go through :mod:`comments_plugin.operations` like real ones,
so the spam pipeline runs, every comment gets its audit row, and the admin's moderation
screens show realistic reasons.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from comments_plugin import operations
from comments_plugin.models import Comment, Status
from news.models import Article

DEMO_SOURCE = "load_demo"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    days_ago: float
    body: str
    # Closed by an editor after the discussion took place.
    close_after_loading: bool = False


@dataclass(frozen=True)
class DemoComment:
    key: str
    name: str
    body: str
    hours_after: float
    parent: str | None = None
    email: str = ""
    url: str = ""
    # What a moderator would have decided; the pipeline's own verdict is kept when it agrees.
    status: str = Status.APPROVED
    by_editor: bool = False


ARTICLES = [
    DemoArticle(
        "bike-lanes-main-street",
        "City council approves protected bike lanes on Main Street",
        2,
        "After two years of consultation, the city council voted 7 to 2 on Tuesday to build "
        "protected bike lanes along the full length of Main Street.\n\n"
        "Construction starts in March and is planned to take eleven weeks. Forty-two parking "
        "spaces will be moved to the side streets, and delivery bays will stay where they are.\n\n"
        "Shop owners were divided: some expect more foot traffic, others worry about the months "
        "of roadworks. The council promised a review one year after the lanes open.",
    ),
    DemoArticle(
        "library-weekend-hours",
        "Central library extends its weekend opening hours",
        6,
        "From next month the central library opens on Sundays from 10:00 to 16:00, and stays "
        "open until 20:00 on Saturdays.\n\nThe extra hours are paid for by a two-year grant from "
        "the regional culture fund.",
    ),
    DemoArticle(
        "bakery-bread-award",
        "Harbour Street bakery wins the regional bread award",
        12,
        "The small bakery on Harbour Street took first prize for its rye sourdough at this "
        "year's regional bread awards, ahead of forty other entries.",
    ),
    DemoArticle(
        "storm-season-forecast",
        "Storm season: what the new forecast means for the harbour",
        30,
        "Forecasters expect a busier storm season than usual. The harbour authority has "
        "published new mooring guidance for small boats.",
        close_after_loading=True,
    ),
    DemoArticle(
        "harbour-festival-twenty-years",
        "Twenty years of the harbour festival",
        120,
        "Looking back at two decades of music, food and boats on the quay. (Comments on this "
        "article closed automatically 90 days after publication.)",
    ),
]

COMMENTS: dict[str, list[DemoComment]] = {
    "bike-lanes-main-street": [
        DemoComment(
            "anna",
            "Anna Berg",
            "Finally! I cycle to work on Main Street every day and the stretch past the "
            "station is genuinely frightening at rush hour.\n\nEleven weeks of roadworks is a "
            "small price for that.",
            1.5,
            email="anna.berg@example.com",
            url="https://anna-berg.example.com/",
        ),
        DemoComment(
            "tom",
            "Tom Keller",
            "I run the hardware shop at number 14. Half of my customers arrive by car and "
            "carry heavy things home. Where are they supposed to park?",
            2.2,
            parent="anna",
            email="tom@keller-hardware.example",
        ),
        DemoComment(
            "anna2",
            "Anna Berg",
            "Fair point, Tom. The plan moves the spaces to Mill Lane, which is about a minute's "
            "walk from your door. Would a loading bay in front of the shop help?",
            3.0,
            parent="tom",
            email="anna.berg@example.com",
            url="https://anna-berg.example.com/",
        ),
        DemoComment(
            "tom2",
            "Tom Keller",
            "A loading bay would help a lot, actually. I'll bring it up at the next traders' "
            "meeting.",
            4.1,
            parent="anna2",
            email="tom@keller-hardware.example",
        ),
        DemoComment(
            "editor",
            "The editors",
            "Thanks both. We asked the council: short-stay loading bays are part of the "
            "second phase; the plans are on the city's website, page 12.",
            5.0,
            parent="tom",
            by_editor=True,
        ),
        DemoComment(
            "maria",
            "María López",
            "Does anyone know whether the bus stop outside the bakery moves too? My mother "
            "uses it every morning.",
            6.5,
            email="maria.lopez@example.net",
        ),
        DemoComment(
            "jonas",
            "Jonas Weber",
            "According to the drawings it moves about thirty metres north, next to the "
            "pharmacy, and gets a shelter.",
            7.0,
            parent="maria",
            email="jonas.w@example.org",
        ),
        DemoComment(
            "maria2",
            "María López",
            "Thank you, that's even closer for her.",
            7.4,
            parent="jonas",
            email="maria.lopez@example.net",
        ),
        DemoComment(
            "priya",
            "Priya Shah",
            "Seven to two after two years of consultation, and still the first I hear about "
            "the details is in this paper. The council could do a better job of explaining "
            "what it decides.",
            9.0,
            email="priya.shah@example.com",
        ),
        DemoComment(
            "links",
            "Olaf Nilsson",
            "Other towns have done this well. See the before/after numbers here: "
            "https://cycling-data.example.org/report and the video at "
            "https://video.example.com/watch?v=lanes",
            11.0,
            email="olaf.n@example.org",
            status=Status.PENDING,
        ),
        DemoComment(
            "spam-massage",
            "마사지",
            "Heya i am for the first time here. I came across this board and I find It truly "
            "useful & it helped me out a lot. I hope to give something back and aid others like "
            "you helped me.",
            12.0,
            email="massage.seoul88@example.kr",
            url="https://massage-seoul.example.kr/",
            status=Status.SPAM,
        ),
        DemoComment(
            "spam-casino",
            "В Иззи Казино на izzi-kazino.qarakoz.kz",  # noqa: RUF001 (real Cyrillic spam)
            "808988 24791You might be websites successful individuals, it comes effortlessly, "
            "therefore you also earn you see, the jealousy of all of the ones lots of journeymen "
            "surrounding you can have challenges within this challenge. motor movers 451606",
            12.5,
            email="promo@izzi-kazino.example",
            url="https://izzi-kazino.qarakoz.kz/",
            status=Status.SPAM,
        ),
        DemoComment(
            "ben",
            "Ben Osei",
            "As a bus driver on route 4: anything that gets cyclists out of the bus lane makes "
            "my day calmer. Good decision.",
            20.0,
            email="ben.osei@example.com",
        ),
    ],
    "library-weekend-hours": [
        DemoComment(
            "lea",
            "Lea Fischer",
            "Sunday opening is wonderful news for students. Will the reading room be open too, "
            "or only the lending desk?",
            3,
            email="lea.fischer@example.com",
        ),
        DemoComment(
            "editor",
            "The editors",
            "The library confirmed that the whole building, reading room included, is open "
            "during the new hours.",
            8,
            parent="lea",
            by_editor=True,
        ),
        DemoComment(
            "held",
            "Karl",
            "Why is a grant paying for this when the roof still leaks?",
            30,
            email="karl1962@example.net",
            status=Status.PENDING,
        ),
    ],
    "bakery-bread-award": [
        DemoComment(
            "sam",
            "Sam Carter",
            "Well deserved. Their rye is the best thing on Harbour Street.",
            5,
            email="sam.carter@example.com",
        ),
        DemoComment(
            "ines",
            "Inês Costa",
            "Agreed! Get there before nine on Saturdays or it's gone.",
            9,
            parent="sam",
            email="ines.costa@example.org",
        ),
    ],
    "storm-season-forecast": [
        DemoComment(
            "pete",
            "Pete Larsen",
            "The new mooring guidance is clear and sensible. Thanks for printing it in full.",
            10,
            email="pete.larsen@example.com",
        ),
    ],
}


class Command(BaseCommand):
    help = (
        "Create demo articles, threaded comments (some held, some caught as spam) and a demo "
        "superuser. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        editor = self.demo_user()
        created: dict[str, int] = {}
        with transaction.atomic():
            for demo in ARTICLES:
                article, _ = Article.objects.get_or_create(
                    slug=demo.slug,
                    defaults={
                        "title": demo.title,
                        "body": demo.body,
                        "published_at": now - datetime.timedelta(days=demo.days_ago),
                    },
                )
                for status in self.load_comments(article, COMMENTS.get(demo.slug, []), editor):
                    created[status] = created.get(status, 0) + 1
                if demo.close_after_loading and article.comments_open:
                    article.comments_open = False
                    article.save(update_fields=["comments_open"])

        if created:
            summary = ", ".join(f"{count} {status}" for status, count in sorted(created.items()))
            self.stdout.write(self.style.SUCCESS(f"Created comments: {summary}."))
        else:
            self.stdout.write("The demo data was already loaded; nothing new created.")
        self.stdout.write(
            f"{Article.objects.count()} articles, {Comment.objects.count()} comments.\n"
            f"Log in to the admin at /admin/ as username “{DEMO_USERNAME}”, "
            f"password “{DEMO_PASSWORD}”."
        )

    def demo_user(self) -> Any:
        User = get_user_model()
        user = User._default_manager.filter(username=DEMO_USERNAME).first()
        if user is None:
            user = User._default_manager.create_superuser(
                DEMO_USERNAME,
                "demo@example.com",
                DEMO_PASSWORD,
                first_name="The",
                last_name="editors",
            )
            self.stdout.write(f"Created the superuser “{DEMO_USERNAME}”.")
        return user

    def load_comments(self, article: Article, demos: list[DemoComment], editor: Any) -> list[str]:
        statuses: list[str] = []
        by_key: dict[str, Comment] = {
            c.import_id.rsplit("/", 1)[-1]: c
            for c in Comment.objects.for_object(article).filter(import_source=DEMO_SOURCE)
        }
        for demo in demos:
            if demo.key in by_key:
                continue
            comment = operations.build_comment(
                target=article,
                body=demo.body,
                author_name=demo.name,
                author_email=demo.email,
                author_url=demo.url,
                parent=by_key.get(demo.parent) if demo.parent else None,
                user=editor if demo.by_editor else None,
            )
            comment.submitted_at = min(
                article.published_at + datetime.timedelta(hours=demo.hours_after), timezone.now()
            )
            comment.import_source = DEMO_SOURCE
            comment.import_id = f"{article.slug}/{demo.key}"
            # No request: the pipeline checks the comment offline, as it does for imports.
            result = operations.post_comment(comment)
            if result.comment is None:
                self.stderr.write(f"The spam pipeline discarded demo comment {demo.key!r}.")
                continue
            self.settle(result.comment, demo.status)
            by_key[demo.key] = result.comment
            statuses.append(result.comment.status)
        return statuses

    def settle(self, comment: Comment, wanted: str) -> None:
        """Give the comment the status a moderator would have, through the operations."""
        if comment.status == wanted:
            return
        actions = {
            Status.APPROVED: operations.mark_ham
            if comment.status == Status.SPAM
            else operations.approve,
            Status.PENDING: operations.hold,
            Status.SPAM: operations.mark_spam,
        }
        actions[Status(wanted)](comment, source=DEMO_SOURCE, reason="Demo data")
