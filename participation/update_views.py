"""Email updates: subscribe (guarded, rate-limited), confirm and unsubscribe through signed links.
Confirm and unsubscribe pages show a button (mail scanners follow links but do not post);
unsubscribing also answers a mail client's one-click POST (RFC 8058), which carries no CSRF token."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from operations.ratelimits import limit_per_address
from participation import updates
from participation.forms import SubscribeForm


@never_cache
def subscribe(request):
    if request.method == "POST":
        return _post_subscribe(request)
    return render(request, "participation/updates_form.html", {"form": SubscribeForm()})


@limit_per_address(group="reader-post", rate_setting="SPASMINFO_READER_POST_RATE")
def _post_subscribe(request):
    form = SubscribeForm(request.POST)
    thanks = HttpResponseRedirect(reverse("participation:updates_thanks"), status=303)
    if form.is_bot:
        return thanks
    if not form.is_valid():
        return render(request, "participation/updates_form.html", {"form": form}, status=400)
    updates.subscribe(email=form.cleaned_data["email"], topic=form.cleaned_data["topic"])
    return thanks  # the same answer whether or not the address was known


@never_cache
def updates_thanks(request):
    return render(
        request, "participation/updates_done.html", {"message": "Check your inbox: we sent a link to confirm."}
    )


def _subscription(token):
    subscription = updates.subscription_for(token)
    if subscription is None:
        raise Http404("This link is not valid (any more).")
    return subscription


@never_cache
def confirm(request, token):
    subscription = _subscription(token)
    if request.method == "POST":
        updates.confirm(subscription)
        return render(
            request, "participation/updates_done.html", {"message": "Confirmed: your email updates start now."}
        )
    return render(request, "participation/updates_action.html", {"subscription": subscription, "action": "confirm"})


@csrf_exempt  # RFC 8058 one-click: the mail client posts "List-Unsubscribe=One-Click" with no token
@never_cache
def unsubscribe(request, token):
    if updates.subscription_for(token) is None and updates.is_genuine(token):
        # A second click (or a mail client's second one-click post): the address is already gone.
        message = "You are unsubscribed: we hold no address for this link any more."
        return render(request, "participation/updates_done.html", {"message": message})
    subscription = _subscription(token)
    if request.method == "POST":
        updates.unsubscribe(subscription)
        return render(request, "participation/updates_done.html", {"message": "Unsubscribed: we deleted your address."})
    return render(request, "participation/updates_action.html", {"subscription": subscription, "action": "unsubscribe"})
