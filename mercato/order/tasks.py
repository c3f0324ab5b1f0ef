"""Order jobs: the confirmation email a buyer gets once the order is placed.

The email's template lives in ``mercato/templates/emails/order_confirmation/``
beside the account emails and is rendered when the job runs, from the order as
it is stored, so the job's arguments are only the order's id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine

from mercato.core.email import EMAIL_RETRY, RenderedEmail
from mercato.core.jobs import task
from mercato.core.money import quantize
from mercato.order.models import Fulfillment, Order

TEMPLATE_FOLDER = "emails/order_confirmation"


def confirmation_context(order: Order) -> dict[str, Any]:
    def amount(value: Decimal) -> str:
        return str(quantize(value, order.currency))

    lines = [
        {
            "name": " ".join(filter(None, [line.product_name, line.variant_name])),
            "quantity": line.quantity,
            "total": amount(line.total_price_gross_amount),
        }
        for line in order.lines.order_by("pk")
    ]
    return {
        "number": str(order.number),
        "email": order.user_email,
        "lines": lines,
        "shipping": amount(order.shipping_price_gross_amount),
        "total": amount(order.total_gross_amount),
        "currency": order.currency,
        "link": order.redirect_url or "",
    }


def render_confirmation(order: Order) -> RenderedEmail:
    """The order confirmation's subject, plain text and HTML."""
    engine = Engine.get_default()
    context = confirmation_context(order)

    def render(name: str, *, autoescape: bool) -> str:
        return engine.get_template(f"{TEMPLATE_FOLDER}/{name}").render(
            Context(context, autoescape=autoescape)
        )

    return RenderedEmail(
        subject=" ".join(render("subject.txt", autoescape=False).split()),
        text=render("body.txt", autoescape=False).strip() + "\n",
        html=render("body.html", autoescape=True),
    )


@task(name="order.send_confirmation", retry=EMAIL_RETRY, atomic=False)
def send_order_confirmation_job(*, order_id: str) -> None:
    """Email the buyer of ``order_id`` what they ordered (nothing if it is gone)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or not order.user_email:
        return
    email = render_confirmation(order)
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.text, to=[order.user_email]
    )
    message.attach_alternative(email.html, "text/html")
    message.send()


FULFILLMENT_TEMPLATE_FOLDER = "emails/fulfillment_confirmation"


def fulfillment_context(fulfillment_id: int) -> dict[str, Any] | None:
    """What the shipping email shows: the fulfillment's lines and tracking
    number; None when the fulfillment or the buyer's email is gone."""
    fulfillment = (
        Fulfillment.objects.select_related("order").filter(pk=fulfillment_id).first()
    )
    if fulfillment is None or not fulfillment.order.user_email:
        return None
    order = fulfillment.order
    lines = [
        {
            "name": " ".join(
                filter(
                    None, [line.order_line.product_name, line.order_line.variant_name]
                )
            ),
            "quantity": line.quantity,
        }
        for line in fulfillment.lines.select_related("order_line").order_by("pk")
    ]
    return {
        "number": str(order.number),
        "email": order.user_email,
        "lines": lines,
        "tracking_number": fulfillment.tracking_number,
        "link": order.redirect_url or "",
    }


def render_fulfillment_confirmation(context: dict[str, Any]) -> RenderedEmail:
    engine = Engine.get_default()

    def render(name: str, *, autoescape: bool) -> str:
        return engine.get_template(f"{FULFILLMENT_TEMPLATE_FOLDER}/{name}").render(
            Context(context, autoescape=autoescape)
        )

    return RenderedEmail(
        subject=" ".join(render("subject.txt", autoescape=False).split()),
        text=render("body.txt", autoescape=False).strip() + "\n",
        html=render("body.html", autoescape=True),
    )


@task(name="order.send_fulfillment_confirmation", retry=EMAIL_RETRY, atomic=False)
def send_fulfillment_confirmation_job(
    *, fulfillment_id: int, tracking_updated: bool = False
) -> None:
    """Email the buyer what a fulfillment sent out, or (``tracking_updated``) its
    new tracking number; nothing if it is gone."""
    context = fulfillment_context(fulfillment_id)
    if context is None:
        return
    context["tracking_updated"] = tracking_updated
    email = render_fulfillment_confirmation(context)
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.text, to=[context["email"]]
    )
    message.attach_alternative(email.html, "text/html")
    message.send()
