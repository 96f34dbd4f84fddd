"""Email over SMTP with Django's SMTP backend."""
