"""Views: ``comments`` (posting, permalinks, avatars) and ``moderation`` (reader reports)."""
