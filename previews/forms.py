from django import forms


class ExpertCommentForm(forms.Form):
    given_name = forms.CharField(label="Your name", max_length=80)
    text = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    passage = forms.CharField(
        label="The passage you comment on (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "aria-describedby": "passage-help"}),
        help_text="Select it in the article above and it is copied here; the editors see your comment beside it.",
    )
    clinical = forms.BooleanField(
        label="This is a clinical concern: the article should not be published until it is put right",
        required=False,
    )
