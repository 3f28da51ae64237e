"""The usage resolver's shortcuts by local names give what full inference gives."""

from __future__ import annotations

from helpers import usage_resolver
from ormlint.expr import Name
from ormlint.usage import UsageResolver

SOURCES = {
    "app/__init__.py": "",
    "app/models.py": '''
        from sqlalchemy import Column, ForeignKey, Integer
        from sqlalchemy.orm import declarative_base, relationship

        Base = declarative_base()

        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)

        class Post(Base):
            __tablename__ = "posts"
            id = Column(Integer, primary_key=True)
            user_id = Column(ForeignKey("users.id"))
            user = relationship(User)
    ''',
    "app/views.py": '''
        import logging
        import app.models as models
        from app.models import Post, User

        logger = logging.getLogger(__name__)
        current = User()

        def free_names():
            logger.info(User.id, models.Post.user, current.id, Post.query.first().user)

        def local_names(user: User, session, post_id):
            post = session.get(Post, post_id)
            from app.models import User as Person
            found = Person()
            for item in session.query(Post).all():
                item.user.id
            return user.id, post.user.id, found.id, Person.id, session.bind

        class Page:
            owner: User

            def show(self):
                self.post = Post()
                return self.owner.id, self.post.user.id
    ''',
}


def _resolver() -> UsageResolver:
    return usage_resolver(SOURCES)


def test_names_that_may_not_be_instances_are_never_inferred_as_such() -> None:
    fast, slow = _resolver(), _resolver()
    slow_contexts = {(c.module, c.scope.name): c for c in slow.contexts()}
    answers = {}
    for ctx in fast.contexts():
        slow_ctx = slow_contexts[ctx.module, ctx.scope.name]
        for base, _, _, _, _, _ in ctx.scope.attributes:
            if not base:
                continue
            inferred = slow.infer(slow_ctx, Name(base))
            kind = None if inferred is None else inferred.kind
            if not ctx.may_be_instance(base):
                assert kind not in ("instance", "list", "scalars", "result"), (ctx.scope.name, base, kind)
            answers[ctx.scope.name, base] = (ctx.may_be_instance(base), kind)
    # The fixture reaches both answers, and instances of each origin.
    assert answers["free_names", "logger"] == (False, None)
    assert answers["free_names", "User"] == (False, "class")
    assert answers["free_names", "current"] == (False, None)  # module-level values are not typed
    assert answers["free_names", "Post.query"] == (False, None)  # not a Flask model
    assert answers["local_names", "Person"] == (False, "class")  # a local import binds a class
    assert answers["local_names", "user"] == (True, "instance")
    assert answers["local_names", "post.user"] == (True, "instance")
    assert answers["local_names", "found"] == (True, "instance")
    assert answers["local_names", "item.user"] == (True, "instance")
    assert answers["local_names", "session"] == (True, None)
    assert answers["Page.show", "self.owner"] == (True, "instance")


def test_mapped_names_with_and_without_local_imports() -> None:
    resolver = _resolver()
    contexts = {c.scope.name: c for c in resolver.contexts()}
    local = contexts["local_names"]
    assert local.local_names().imported == {"Person"}
    assert local.shadowed("post.user") and local.shadowed("user") and not local.shadowed("Person")
    person = resolver.class_named(local, "Person")
    assert person is not None and person.name == "User"
    assert resolver.class_named(local, "user") is None
    # Names no local import binds are answered by the module, for every scope alike.
    post = resolver.mapped("app.views", Name("Post"), contexts["free_names"])
    assert post is not None and post.name == "Post"
    assert resolver.mapped("app.views", Name("Post"), local) is post
    assert ("app.views", "Post") in resolver._mapped and ("app.views", "Post") not in (local._mapped or {})
