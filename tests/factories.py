"""Test data built through the real services, so factories obey the same rules as users."""

from __future__ import annotations

import factory

from fichive.accounts.models import User
from fichive.accounts.services import user_create
from fichive.works.models import Work
from fichive.works.services import ChapterText, WorkMeta, work_create

PASSWORD = "correct horse battery staple"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> User:
        return user_create(**kwargs)


def user_with(username: str, **fields: object) -> User:
    """A user made by UserFactory, then given these model fields (roles, suspensions)."""
    user = UserFactory(username=username)
    for name, value in fields.items():
        setattr(user, name, value)
    if fields:
        user.save(update_fields=list(fields))
    return user


class WorkFactory(factory.Factory):
    """A posted one-chapter work unless told otherwise.

    Pass `chapters=["text one", "text two"]` for several chapters, `post=False` for a draft,
    and any WorkMeta field (title, fandoms, restricted, …) by name. Other users' pseuds in
    `creators` are on the work at once (as after they accepted); `invite=True` invites them.
    Rated General Audiences unless told otherwise (the form's default, Not Rated, puts the
    adult-content notice in front of it: pass `rating="Not Rated"` for that).
    """

    class Meta:
        model = Work

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"A Story Numbered {n}")
    fandoms = factory.LazyFunction(lambda: ["Original Work"])
    chapters = factory.LazyFunction(lambda: ["<p>The lantern burned low while she wrote.</p>"])
    rating = "General Audiences"
    post = True

    @classmethod
    def _create(cls, model_class, *args, author, chapters, post, **kwargs) -> Work:
        kwargs.setdefault("creators", [author.default_pseud])
        chapter_titles = kwargs.pop("chapter_titles", None) or [""] * len(chapters)
        invite = kwargs.pop("invite", False)
        meta = WorkMeta(**kwargs)
        texts = [ChapterText(content=c, title=t) for c, t in zip(chapters, chapter_titles,
                                                                   strict=True)]
        return work_create(user=author, meta=meta, chapters=texts, post=post, invite=invite)
