"""Post a draft stock document by its number, e.g. `manage.py post_document REC-2026-00042`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from config.commands import user_option
from warehouse.models import StockDocument
from warehouse.services import StockError, document_post


class Command(BaseCommand):
    help = "Post a DRAFT stock document: all of its movements or none."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("number", help="Document number, e.g. REC-2026-00042.")
        parser.add_argument("--user", help="Username to record as the poster.")

    def handle(self, *args: Any, **options: Any) -> None:
        document = StockDocument.objects.filter(number__iexact=options["number"]).first()
        if document is None:
            raise CommandError(f"No stock document numbered {options['number']}.")
        user = user_option(options["user"])
        try:
            document = document_post(document=document, user=user)
        except StockError as exc:
            raise CommandError(" ".join(exc.messages))
        self.stdout.write(f"Posted {document.number} ({document.lines.count()} lines).")
