"""What participation adds to the public site: the readers' prompts on every article's page
(reader/panels.py) and the answered questions in the sitemap (reader/sitemaps.py), plugged in
from ParticipationConfig.ready(), so the public site never imports participation."""

from django.contrib.sitemaps import Sitemap
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from participation.caching import article_tag
from reader.panels import Panel


def render_prompts(article) -> SafeString:
    """The readers' prompts with their approved stories' counts."""
    from participation.selectors import prompts_for

    return render_to_string("participation/_prompts.html", {"article": article, "prompts": prompts_for(article)})


# kept until the next editorial change or until a story of the article is approved or hidden
PROMPTS = Panel(name="prompts", context="reader_prompts", render=render_prompts, tags=(article_tag("{slug}"),))


class QuestionSitemap(Sitemap):
    """Answered questions: public once accepted and their answer signed off."""

    def items(self):
        from participation.models import Question

        return Question.objects.public().only("slug", "answered_at").order_by("slug")

    def lastmod(self, item):
        return item.answered_at
