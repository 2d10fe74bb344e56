"""The site's URL map: each app owns its URLs."""

from django.urls import include, path

from fichive.formats import views as formats_views
from fichive.works import views as works_views

urlpatterns = [
    path("", works_views.home, name="home"),
    path("works/import", formats_views.import_work, name="import"),
    path("works/import/confirm", formats_views.import_confirm, name="import-confirm"),
    path("", include("fichive.feeds.urls")),
    path("", include("fichive.search.urls")),
    path("", include("fichive.works.urls")),
    path("", include("fichive.accounts.urls")),
    path("", include("fichive.blocking.urls")),
    path("", include("fichive.tags.urls")),
    path("", include("fichive.api.urls")),
    path("", include("fichive.formats.urls")),
    path("", include("fichive.kudos.urls")),
    path("", include("fichive.comments.urls")),
    path("", include("fichive.bookmarks.urls")),
    path("", include("fichive.subscriptions.urls")),
    path("", include("fichive.inbox.urls")),
    path("", include("fichive.readings.urls")),
    path("", include("fichive.gifts.urls")),
    path("", include("fichive.series.urls")),
    path("", include("fichive.stats.urls")),
    path("", include("fichive.pages.urls")),
    path("", include("fichive.signups.urls")),
    path("", include("fichive.moderation.urls")),
    path("", include("fichive.apppasswords.urls")),
    path("", include("fichive.opds.urls")),
]

handler404 = "fichive.views.not_found"
handler403 = "fichive.views.forbidden"
handler500 = "fichive.views.server_error"
