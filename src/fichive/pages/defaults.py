"""The text each page has until an admin edits it, in our own words (sanitized HTML)."""

from __future__ import annotations

ABOUT = """<p>This archive is a home for fan fiction, run by the community that writes and
reads it. It is not a business: nobody here sells your stories, shows you advertising, or
decides what is worth reading for you.</p>

<p>Anyone may read the works posted here. With an account you can post your own works,
leave kudos and comments, bookmark what you love, subscribe to writers and series, and keep
a history of what you read.</p>

<p>Writers keep the rights to their work. Posting here lets the archive show the work to
readers and offer it for download; you can edit, orphan or delete your works at any
time.</p>

<p>Read the <a href="/tos">Terms of Service</a> before you sign up, and the
<a href="/faq">FAQ</a> for how ratings, warnings and tags work.</p>"""

TOS = """<h3>Using the archive</h3>
<p>By creating an account you agree to these terms. You must be old enough to use the
archive (the sign-up form says the minimum age), and you are responsible for what you post
and for keeping your password to yourself.</p>

<h3>What you may post</h3>
<p>Fan works in every fandom are welcome, including works about difficult subjects, as long
as they are rated and tagged honestly. The archive does not host:</p>
<ul>
<li>content that is illegal where the archive is run;</li>
<li>harassment, threats, or posts that reveal private information about real people;</li>
<li>spam, advertising, or works that are not yours (plagiarism);</li>
<li>works posted without the rating and warnings their content calls for.</li>
</ul>

<h3>Ratings and warnings</h3>
<p>Every work carries a rating and archive warnings, chosen by its creator. Choosing
"Creator Chose Not To Use Archive Warnings" is allowed; it tells readers that any warning
may apply. Works rated Mature, Explicit or Not Rated are shown only after a reader agrees
to see adult content.</p>

<h3>Moderation</h3>
<p>Moderators may hide works, delete comments and bookmarks, and suspend or ban accounts
that break these terms. Creators are told why their work was hidden. Anyone can report
content with the Report link on it.</p>

<h3>Your data</h3>
<p>The archive keeps your email address to send you the mail you asked for and to reset
your password. It is never sold or shown to other users.</p>

<h3>Changes</h3>
<p>These terms may change; the date of the last change is shown at the bottom of this
page.</p>"""

FAQ = """<h3>What do the ratings mean?</h3>
<dl>
<dt>General Audiences</dt><dd>Suitable for everyone.</dd>
<dt>Teen And Up Audiences</dt><dd>May not suit readers under 13.</dd>
<dt>Mature</dt><dd>Adult themes: sex, violence and the like, not shown in graphic
detail.</dd>
<dt>Explicit</dt><dd>Graphic adult content.</dd>
<dt>Not Rated</dt><dd>The creator chose not to rate the work; treat it as possibly
Explicit.</dd>
</dl>

<h3>What do the archive warnings mean?</h3>
<p>Creators mark works that contain graphic depictions of violence, major character death,
rape or non-consensual sex, or underage sex. "No Archive Warnings Apply" means none of these
is in the work; "Creator Chose Not To Use Archive Warnings" means the creator would rather
not say, so any of them may be. Other content notes live in the additional tags.</p>

<h3>How do I keep things I don't want to see out of my way?</h3>
<p>Exclude tags in a listing's filters (or save them in your preferences), mute users whose
works you don't want to see, and block users who should not reach you.</p>

<h3>How do I report something?</h3>
<p>Use the Report link on the work, chapter, comment, bookmark, series or profile. Say what
is wrong and, if you are not logged in, give an email address so a moderator can answer.
Reports go to the archive's moderators, who may hide the content and will tell its creator
why.</p>

<h3>How do I get an account?</h3>
<p>Go to the <a href="/signup">sign-up page</a>. If the archive is taking new members by
invitation, you can join the queue there with your email address and check your place in
it; invitations go out every day.</p>"""

DEFAULTS: dict[str, str] = {"about": ABOUT, "tos": TOS, "faq": FAQ}
