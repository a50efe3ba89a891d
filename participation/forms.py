"""Readers' forms: every field normalised (participation.text), length-limited after
normalisation, and checked against the blocked words editors keep."""

from django import forms

from participation import text
from participation.guard import GuardedForm
from participation.models import NAME_MAX, QUESTION_MAX, REPORT_TEXT_MAX, STORY_MAX, STORY_MIN, BlockedWord, Report
from taxonomy.models import Topic


class NormalisedCharField(forms.CharField):
    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        return text.normalise(super().to_python(value) or "", multiline=self.multiline)


def refuse_blocked_words(form: forms.Form, *field_names: str) -> None:
    words = list(BlockedWord.objects.values_list("word", flat=True))
    for name in field_names:
        value = form.cleaned_data.get(name)
        if value and text.blocked_words_in(value, words):
            form.add_error(name, "Please leave out words we do not publish, then send it again.")


class StoryForm(GuardedForm):
    form_name = "story"
    display_name = NormalisedCharField(
        label="Your name as it will appear",
        max_length=NAME_MAX,
        help_text="Any name you like: it need not be your real name.",
    )
    text = NormalisedCharField(
        label="Your story",
        multiline=True,
        min_length=STORY_MIN,
        max_length=STORY_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "data-counter": ""}),
        help_text=f"Plain text, up to {STORY_MAX} characters. Links are shown as text.",
    )
    email = forms.EmailField(
        label="Email (optional)", required=False, help_text="Your email address will not be published."
    )
    consent = forms.BooleanField(
        label="I agree that this story may be published on this site after a moderator has read it."
    )

    def clean(self):
        cleaned = super().clean()
        refuse_blocked_words(self, "display_name", "text")
        return cleaned


class ReportForm(GuardedForm):
    form_name = "report"
    reason = forms.ChoiceField(label="What is wrong?", choices=Report.Reason.choices, widget=forms.RadioSelect)
    text = NormalisedCharField(
        label="Tell us more (optional)",
        multiline=True,
        required=False,
        max_length=REPORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Please do not include personal details.",
    )


class QuestionForm(GuardedForm):
    form_name = "question"
    text = NormalisedCharField(
        label="Your question",
        min_length=10,
        max_length=QUESTION_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-counter": ""}),
        help_text=f"Up to {QUESTION_MAX} characters. One question, in a sentence.",
    )
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        help_text="Only to tell you when it is answered. Your email address will not be published.",
    )

    def clean(self):
        cleaned = super().clean()
        refuse_blocked_words(self, "text")
        return cleaned


class SubscribeForm(GuardedForm):
    form_name = "updates"
    email = forms.EmailField(label="Your email address", help_text="Used only to send these updates.")
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.none(), required=False, empty_label="The whole site", label="Updates about"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.public().order_by("name")
