"""What the admin's workflow views share: the POST-step runner and the review forms."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from articles import workflow


class PostStepMixin:
    """A ModelAdmin whose buttons post to small views that run one workflow step on one object."""

    step_argument = "article"  # the keyword under which a step (a service) takes the object

    def _change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def _post_step(self, request, pk, step, success_message):
        """POST only: run `step(<step_argument>=obj, user=request.user)`, say how it went, back to the object."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.model, pk=pk)
        try:
            step(**{self.step_argument: obj}, user=request.user)
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, success_message, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))


def forbidden(admin_site, request, message: str, *, next_url: str = "", next_label: str = "") -> TemplateResponse:
    """A 403 that helps: what this page is for, who you are signed in as (and your groups), where to go."""
    context = {
        **admin_site.each_context(request),
        "title": "You cannot open this page",
        "message": message,
        "next_url": next_url,
        "next_label": next_label,
        "groups": list(request.user.groups.values_list("name", flat=True)),
    }
    return TemplateResponse(request, "admin/403.html", context, status=403)


class GoLiveField(forms.DateTimeField):
    """A datetime-local value ("2026-12-01T09:00") in the site's time zone; empty means now."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise ValidationError(
                "“%(value)s” is not a date and time (use the picker, e.g. 2026-12-01 09:00).",
                code="invalid",
                params={"value": value},
            ) from error


class ReReviewForm(forms.Form):
    """A reviewer confirms the content they were shown (its fingerprint), with an optional comment."""

    fingerprint = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    comment = forms.CharField(required=False, strip=False, widget=forms.Textarea)


class ConfirmStillAccurateForm(ReReviewForm):
    """A re-review records a medical review: the reviewer confirms it explicitly, after the open problems."""

    confirmed = forms.BooleanField(
        label="I have read this version and the open problems above, and it is still accurate as it stands.",
        error_messages={"required": "Tick the confirmation: a re-review records a medical review under your name."},
    )


class ReviewForm(ReReviewForm):
    """A reviewer's decision on a submitted version: sign off (now or at a time) or send back."""

    APPROVE, SEND_BACK = "approve", "send_back"
    CHOOSE = "Choose to sign off or to send back."

    decision = forms.ChoiceField(
        choices=[(APPROVE, "Sign off and publish"), (SEND_BACK, "Send back with comments")],
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )
    go_live_at = GoLiveField(required=False)


class TakeDownForm(forms.Form):
    """An emergency take-down: the reason is required (it goes on the timeline and to the editors)."""

    reason = forms.CharField(
        strip=True,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why: a reason is required to take an article down."},
        help_text="Recorded on the article's timeline with your name, and emailed to its editor and reviewer. "
        "Readers are not shown it.",
    )
