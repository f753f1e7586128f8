"""Built-in spam filters, one module each. See docs/spam.rst."""
