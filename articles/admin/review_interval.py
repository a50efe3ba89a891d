""" "Change review interval" on articles and topics: a medical reviewer's step, bounded and
recorded in each affected article's timeline (`lifecycle.set_review_interval`)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import lifecycle, workflow
from taxonomy.models import REVIEW_INTERVAL_MONTHS


class ReviewIntervalForm(forms.Form):
    months = forms.IntegerField(
        required=False,
        min_value=REVIEW_INTERVAL_MONTHS[0],
        max_value=REVIEW_INTERVAL_MONTHS[1],
        help_text="Months between medical reviews, 1 to 36. Empty: inherit (the topic's, else the site default).",
    )


class ReviewIntervalAdmin(admin.ModelAdmin):
    """Mix into an admin whose model has `review_interval_months` (read-only in its form)."""

    def get_urls(self):
        info = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        view = self.admin_site.admin_view(self.review_interval_view)
        return [path("<int:pk>/review-interval/", view, name=f"{info}_review_interval"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm(workflow.SIGN_OFF_PERMISSION):
            info = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
            extra_context["review_interval_url"] = reverse(f"admin:{info}_review_interval", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)

    def review_interval_view(self, request, pk):
        if not request.user.has_perm(workflow.SIGN_OFF_PERMISSION):
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=pk)
        info = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        change_url = reverse(f"admin:{info}_change", args=[obj.pk])
        form = ReviewIntervalForm(request.POST or None, initial={"months": obj.review_interval_months})
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    moved = lifecycle.set_review_interval(
                        target=obj, months=form.cleaned_data["months"], user=request.user
                    )
                except workflow.WorkflowError as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    self.message_user(
                        request, f"Review interval changed; {len(moved)} article(s) recorded it.", messages.SUCCESS
                    )
                    return HttpResponseRedirect(change_url)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"Change review interval: {obj}",
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/review_interval.html", context, status=status)
