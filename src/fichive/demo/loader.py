"""Loading the demo archive into an empty archive: a demo author and a dozen works."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from fichive.accounts.models import Pseud, User
from fichive.accounts.services import pseud_create, user_create
from fichive.demo.content import DEMO_WORKS
from fichive.lib.sanitize import text_to_paragraphs
from fichive.works.models import Work
from fichive.works.services import ChapterText, WorkMeta, work_create

DEMO_USERNAME = "demo"


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
        )
        chapters = [
            ChapterText(content=_html(c["text"]), title=c["title"], summary=c["summary"],
                        notes=c["notes"], end_notes=c["end_notes"], fmt="html")
            for c in item["chapters"]
        ]
        work_create(user=user, meta=meta, chapters=chapters, post=not item["draft"])
    credentials = settings.DATA_DIR / "demo-credentials.txt"
    credentials.write_text(f"user name: {DEMO_USERNAME}\npassword: {password}\n")
    credentials.chmod(0o600)
    out(f"Loaded {len(DEMO_WORKS)} demo works. Log in as “{DEMO_USERNAME}” with the password "
        f"“{password}” (also kept in {credentials}).")
    return True
