"""Loading the demo archive into an empty archive: a demo author, a dozen works, and their tags
wrangled (canonical tags, media, fandoms, a meta tag and a synonym) through the tag services."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from fichive.accounts.models import Pseud, User
from fichive.accounts.services import pseud_create, user_create
from fichive.demo.content import AUSTEN, DEMO_WORKS, HOLMES, NARUTO, ORIGINAL
from fichive.lib.sanitize import text_to_paragraphs
from fichive.tags.models import Tag
from fichive.tags.services import (
    tag_add_meta,
    tag_make_canonical,
    tag_make_synonym,
    tag_set_media,
    tag_set_parents,
    tags_find_or_create,
)
from fichive.works.models import Work
from fichive.works.services import ChapterText, WorkMeta, work_create

DEMO_USERNAME = "demo"
DEMO_MEDIA = {
    NARUTO: "Anime & Manga",
    HOLMES: "Books & Literature",
    AUSTEN: "Books & Literature",
    ORIGINAL: "Other Media",
}
# One meta tag over the demo's alternate universes, and one synonym, to show wrangling.
DEMO_META = ("Alternate Universe", ["Alternate Universe - Modern Setting",
                                    "Alternate Universe - Bookshop"])
DEMO_SYNONYM = ("Sasuke Uchiha", "Uchiha Sasuke")
_TYPE_KEYS: dict[str, str] = {
    "relationships": Tag.Type.RELATIONSHIP,
    "characters": Tag.Type.CHARACTER,
    "freeforms": Tag.Type.FREEFORM,
}


def _html(text: str) -> str:
    """Demo text is plain text with "* * *" scene breaks; make it chapter HTML."""
    parts = [text_to_paragraphs(block.strip()) for block in text.split("\n* * *\n")]
    return "\n<hr />\n".join(p for p in parts if p)


@transaction.atomic
def demo_load(*, out: Callable[[str], object] = print) -> bool:
    """Load the demo works if the archive has none; print how to log in. True if loaded."""
    if Work.objects.exists():
        return False
    if User.objects.filter(username__iexact=DEMO_USERNAME).exists():
        out(f"Not loading the demo works: an account named “{DEMO_USERNAME}” already exists.")
        return False
    password = secrets.token_urlsafe(9)
    user = user_create(username=DEMO_USERNAME, email="demo@example.org", password=password)
    pseuds: dict[str, Pseud] = {DEMO_USERNAME: user.default_pseud}
    for item in DEMO_WORKS:
        for name in item["pseuds"]:
            if name not in pseuds:
                pseuds[name] = pseud_create(user=user, name=name)
        meta = WorkMeta(
            title=item["title"],
            creators=[pseuds[n] for n in item["pseuds"]],
            fandoms=item["fandoms"], rating=item["rating"], warnings=item["warnings"],
            categories=item["categories"], relationships=item["relationships"],
            characters=item["characters"], freeforms=item["freeforms"],
            summary=item["summary"], notes=item["notes"], end_notes=item["end_notes"],
            language=item["language"], restricted=item["restricted"],
            expected_chapters=item["expected_chapters"], fmt="text",
            work_skin=item.get("work_skin"),
        )
        chapters = [
            ChapterText(content=_html(c["text"]), title=c["title"], summary=c["summary"],
                        notes=c["notes"], end_notes=c["end_notes"], fmt="html")
            for c in item["chapters"]
        ]
        work_create(user=user, meta=meta, chapters=chapters, post=not item["draft"])
    _wrangle_demo()
    _demo_community(author=user)
    credentials = settings.DATA_DIR / "demo-credentials.txt"
    credentials.write_text(f"user name: {DEMO_USERNAME}\npassword: {password}\n")
    credentials.chmod(0o600)
    out(f"Loaded {len(DEMO_WORKS)} demo works. Log in as “{DEMO_USERNAME}” with the password "
        f"“{password}” (also kept in {credentials}).")
    return True


DEMO_READER = "demo_reader"


def _demo_community(*, author: User) -> None:
    """A reader's traces, so a new archive shows what readers do: kudos from the reader and
    two guests, a comment and the author's reply, a bookmark with a note, a subscription.
    The reader's account has no password (nobody logs in as it)."""
    from fichive.bookmarks.services import BookmarkData, bookmark_create
    from fichive.comments.services import comment_post
    from fichive.kudos.services import kudos_leave
    from fichive.lib.visitors import address_hash
    from fichive.subscriptions.services import subscription_create

    if User.objects.filter(username__iexact=DEMO_READER).exists():
        return
    reader = user_create(username=DEMO_READER, email="")
    works = list(Work.objects.filter(state=Work.State.POSTED, restricted=False)
                 .order_by("-chapter_count", "id")[:3])
    if not works:
        return
    favourite = works[0]
    for work in works:
        kudos_leave(work=work, user=reader)
    for address in ("192.0.2.10", "192.0.2.11"):  # documentation addresses: two guests
        kudos_leave(work=favourite, guest_hash=address_hash({"REMOTE_ADDR": address}))
    chapter = favourite.chapters.order_by("position").first()
    comment = comment_post(
        work=favourite, chapter=chapter if favourite.chapter_count > 1 else None, user=reader,
        pseud=reader.default_pseud,
        content="I read this in one sitting. The ending of the chapter got me!")
    comment_post(work=favourite, chapter=comment.chapter, parent=comment, user=author,
                 pseud=author.default_pseud,
                 content="Thank you so much! The next part is my favourite to write.")
    bookmark_create(user=reader, work=favourite, pseud=reader.default_pseud,
                    data=BookmarkData(notes="A comfort read for rainy days.",
                                      tags=["Comfort Read"], rec=True))
    subscription_create(user=reader, work=favourite)


def _wrangle_demo() -> None:
    """Wrangle the demo's tags as a wrangler would: fandoms canonical and sorted into media;
    every other tag canonical with its works' fandoms as parents (a crossover's fandoms only
    when the tag appears nowhere else); plus a meta tag and a synonym."""
    fandoms = {
        tag.name: tag for tag in tags_find_or_create(
            tag_type=Tag.Type.FANDOM, names=[f for item in DEMO_WORKS for f in item["fandoms"]])
    }
    for name, fandom in fandoms.items():
        tag_make_canonical(actor=None, tag=fandom)
        tag_set_media(actor=None, fandom=fandom, media=DEMO_MEDIA.get(name, "Other Media"))
    everywhere: dict[tuple[str, str], set[str]] = {}
    outside_crossovers: dict[tuple[str, str], set[str]] = {}
    for item in DEMO_WORKS:
        for key, tag_type in _TYPE_KEYS.items():
            for name in item[key]:
                everywhere.setdefault((tag_type, name), set()).update(item["fandoms"])
                if len(item["fandoms"]) == 1:
                    outside_crossovers.setdefault((tag_type, name), set()).update(item["fandoms"])
    for (type_name, name), fandom_names in everywhere.items():
        (tag,) = tags_find_or_create(tag_type=type_name, names=[name])
        parents = outside_crossovers.get((type_name, name)) or fandom_names
        tag_set_parents(actor=None, tag=tag, fandoms=[fandoms[f] for f in sorted(parents)])
        tag_make_canonical(actor=None, tag=tag)
    meta_name, sub_names = DEMO_META
    (meta,) = tags_find_or_create(tag_type=Tag.Type.FREEFORM, names=[meta_name])
    tag_make_canonical(actor=None, tag=meta)
    for sub in tags_find_or_create(tag_type=Tag.Type.FREEFORM, names=sub_names):
        tag_add_meta(actor=None, sub=sub, meta=meta)
    synonym_name, canonical_name = DEMO_SYNONYM
    (canonical,) = tags_find_or_create(tag_type=Tag.Type.CHARACTER, names=[canonical_name])
    (synonym,) = tags_find_or_create(tag_type=Tag.Type.CHARACTER, names=[synonym_name])
    tag_make_synonym(actor=None, tag=synonym, of=canonical)
