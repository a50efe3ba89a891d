from django import forms


class ExpertCommentForm(forms.Form):
    given_name = forms.CharField(label="Your name", max_length=80)
    text = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
