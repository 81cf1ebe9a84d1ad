"""Password change and reset: Django's views, with the login lockout applied to the old password.

Django's PasswordChangeForm checks the old password with ``user.check_password``, which the
lockout (django-axes) never sees: whoever holds a session could guess the password without limit.
Here the old password goes through ``authenticate``, so every wrong one counts as a failed login
for that username and address, and once the limit is reached the lockout answer (429) replaces
the page, as it does on the login form. A password reset does not lift a lockout either.
"""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest


class LockoutAwarePasswordChangeForm(PasswordChangeForm):
    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        authenticated = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if authenticated is None or authenticated.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = LockoutAwarePasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}
