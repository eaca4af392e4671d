"""RSS/Atom/JSON Feed readers: conditional GET, feedparser, links into the store."""
