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
from mercato.order.models import Order

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
