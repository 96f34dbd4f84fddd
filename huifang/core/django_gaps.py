"""Django strings that Django's own zh_Hans catalogue has not translated yet.

They are listed here only so that `make messages` carries them into our catalogue, which
Django consults first. Remove an entry once Django ships its translation.
"""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    1,
)
