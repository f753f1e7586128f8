from io import StringIO

from django.core.management import call_command
from django.test import TestCase


class MigrationTests(TestCase):
    def test_models_and_migrations_agree(self):
        out = StringIO()
        # Exits with SystemExit(1) when a migration is missing.
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
        assert "No changes detected" in out.getvalue()
