from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Review comments"

    def ready(self):
        from articles import inbox, signoff
        from comments.inbox import open_comments_on_your_versions
        from comments.services import open_clinical_concerns

        signoff.add_blocker(open_clinical_concerns)  # an open clinical comment holds the sign-off
        inbox.add_editor_section(open_comments_on_your_versions)
