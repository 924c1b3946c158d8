"""Issue 13 item 11: logins are throttled (django-axes) on the shop, the Django admin and Wagtail, and passwords
meet Django's standard validators. Axes stays on in the tests; its attempts roll back with each test."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from guyub.demo import data as demo_data

pytestmark = pytest.mark.django_db
WRONG_TRIES = 30


def _shop_login(client, email, password):
    return client.post("/accounts/login/", {"login-username": email, "login-password": password, "login_submit": "1"})


def _admin_login(client, email, password):
    return client.post("/django-admin/login/", {"username": email, "password": password, "next": "/django-admin/"})


def _wagtail_login(client, email, password):
    return client.post("/cms/login/", {"username": email, "password": password})


def _logged_in(client):
    return "_auth_user_id" in client.session


LOGINS = {
    "shop": (_shop_login, "buyer1@guyub.example"),
    "admin": (_admin_login, "staff@guyub.example"),
    "wagtail": (_wagtail_login, "staff@guyub.example"),
}


@pytest.mark.parametrize("where", LOGINS)
def test_the_right_password_logs_in_when_not_locked(client, where):
    login, email = LOGINS[where]
    login(client, email, demo_data.PASSWORD)
    assert _logged_in(client)


@pytest.mark.parametrize("where", LOGINS)
def test_thirty_wrong_passwords_lock_the_account_out_from_that_address(client, where):
    login, email = LOGINS[where]
    for n in range(WRONG_TRIES):
        login(client, email, f"wrong-{n}")
    client.cookies["django_language"] = "en"
    response = login(client, email, demo_data.PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    assert "Too many login attempts" in response.content.decode()
    # Same account in another case is the same counter (emails log in whatever their case).
    login(client, email.upper(), demo_data.PASSWORD)
    assert not _logged_in(client)


def test_the_lock_is_per_account_and_address(client):
    for n in range(WRONG_TRIES):
        _shop_login(client, "buyer1@guyub.example", f"wrong-{n}")
    _shop_login(client, "buyer2@guyub.example", demo_data.PASSWORD)  # another account from the same address
    assert _logged_in(client)
    client.logout()
    other = client.__class__(REMOTE_ADDR="10.1.2.3")  # the same account from elsewhere
    _shop_login(other, "buyer1@guyub.example", demo_data.PASSWORD)
    assert _logged_in(other)


def test_a_lockout_page_in_indonesian(client):
    for n in range(WRONG_TRIES):
        _shop_login(client, "buyer1@guyub.example", f"wrong-{n}")
    response = _shop_login(client, "buyer1@guyub.example", demo_data.PASSWORD)
    assert response.status_code == 429 and 'id="locked-out"' in response.content.decode()


@pytest.mark.parametrize("password", ["12345678", "password", "buyer1guyub", "abc"])
def test_weak_passwords_are_refused(buyer_user, password):
    with pytest.raises(ValidationError):
        validate_password(password, buyer_user)


def test_registration_refuses_a_common_password(client):
    response = client.post(
        "/accounts/login/",
        {
            "registration-email": "new@guyub.example",
            "registration-password1": "password",
            "registration-password2": "password",
            "registration_submit": "1",
        },
    )
    assert response.status_code == 200 and "password2" in response.context["registration_form"].errors
    assert not get_user_model().objects.filter(email="new@guyub.example").exists()


def test_the_demo_password_is_still_accepted(buyer_user):
    validate_password(demo_data.PASSWORD, buyer_user)  # no error
    assert buyer_user.check_password(demo_data.PASSWORD)


def test_registration_with_a_good_password_still_signs_the_buyer_in(client):
    # Oscar authenticates right after registration without a request; the throttle lets that through.
    response = client.post(
        "/accounts/login/",
        {
            "registration-email": "new@guyub.example",
            "registration-password1": "kulit-sapi-Tasik-92",
            "registration-password2": "kulit-sapi-Tasik-92",
            "registration_submit": "1",
        },
    )
    assert response.status_code == 302
    assert _logged_in(client)
