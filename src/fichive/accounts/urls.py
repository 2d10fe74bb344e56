"""URLs for sign-up, log-in and passwords (Django's auth views), claiming imported accounts,
user pages, and the admins' wrangler and archivist role pages."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from fichive.accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup", views.signup, name="signup"),
    path("signup/<str:code>", views.signup, name="signup-invited"),
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change", views.PasswordChangeView.as_view(
        template_name="accounts/form_page.html",
        success_url=reverse_lazy("accounts:password-change-done"),
        extra_context={"heading": "Change your password", "button": "Change password"},
    ), name="password-change"),
    path("password/change/done", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/message.html",
        extra_context={"heading": "Password changed",
                       "message": "Your password has been changed."},
    ), name="password-change-done"),
    path("password/reset", views.PasswordResetView.as_view(
        template_name="accounts/form_page.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password-reset-done"),
        extra_context={"heading": "Reset your password", "button": "Send reset link",
                       "intro": "Enter your account's email address and we'll send you a "
                                "link to choose a new password."},
    ), name="password-reset"),
    path("password/reset/sent", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message.html",
        extra_context={"heading": "Check your email",
                       "message": "If an account uses that address, a reset link is on its "
                                  "way."},
    ), name="password-reset-done"),
    path("password/reset/<uidb64>/<token>", views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-complete"),
    ), name="password-reset-confirm"),
    path("password/reset/complete", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message.html",
        extra_context={"heading": "Password reset",
                       "message": "Your password has been set. You can log in now."},
    ), name="password-reset-complete"),
    path("claim", views.claim, name="claim"),
    path("claim/<str:token>", views.claim_account, name="claim-account"),
    path("admin/wranglers", views.wranglers, name="wranglers"),
    path("admin/archivists", views.archivists, name="archivists"),
    path("dashboard", views.my_dashboard, name="my-dashboard"),
    path("users/<str:username>", views.dashboard, name="dashboard"),
    path("users/<str:username>/pseuds", views.pseuds, name="pseuds"),
    path("users/<str:username>/pseuds/new", views.pseud_new, name="pseud-new"),
    path("users/<str:username>/pseuds/<str:pseud_name>", views.pseud_detail, name="pseud"),
    path("users/<str:username>/pseuds/<str:pseud_name>/edit", views.pseud_edit,
         name="pseud-edit"),
    path("users/<str:username>/pseuds/<str:pseud_name>/delete", views.pseud_remove,
         name="pseud-delete"),
    path("users/<str:username>/profile", views.profile, name="profile"),
    path("users/<str:username>/profile/edit", views.profile_edit, name="profile-edit"),
    path("users/<str:username>/preferences", views.preferences, name="preferences"),
    path("users/<str:username>/email", views.email_edit, name="email-change"),
    path("preferences/skin", views.skin_choose, name="skin"),
]
