"""Where the platform may send (reminder webhooks): never loopback, private, link-local or metadata addresses,
in any spelling, unless an operator allows the host; credentials never in a URL, nor in what is recorded."""

from __future__ import annotations

import pytest

from redline.adapters.outbound import check_resolved, check_url, redact
from redline.errors import InputError

INSIDE = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/",
    "http://172.16.3.4/",
    "http://192.168.1.1/",
    "http://[fe80::1]/",
    "http://0.0.0.0/",
    "http://localhost:8000/",
    "http://app.localhost/",
    "https://LOCALHOST./x",
    "http://[fd00:ec2::254]/",
]


@pytest.mark.parametrize("url", INSIDE)
def test_addresses_inside_the_platforms_network_are_refused_in_any_spelling(url: str) -> None:
    with pytest.raises(InputError, match="does not send there"):
        check_url(url, [])


def test_an_operator_may_allow_a_host_of_its_own() -> None:
    assert check_url("http://127.0.0.1:9000/hook", ["127.0.0.1"]) == "http://127.0.0.1:9000/hook"
    check_resolved("http://127.0.0.1:9000/hook", ["127.0.0.1"])


@pytest.mark.parametrize(
    "url", ["https://hooks.example.com/x", "http://93.184.216.34:8080/h", "https://[2001:db8::1]/"]
)
def test_public_addresses_and_names_pass(url: str) -> None:
    if "2001:db8" in url:  # documentation range: reserved, so refused like the rest of what is not routable
        with pytest.raises(InputError):
            check_url(url, [])
        return
    assert check_url(url, []) == url


def test_a_name_that_resolves_inside_is_refused_at_delivery() -> None:
    with pytest.raises(InputError, match=r"resolves to (127\.0\.0\.1|::1)"):
        check_resolved("http://localhost:9/hook", [])


def test_credentials_in_a_url_are_refused_and_never_recorded() -> None:
    with pytest.raises(InputError, match="credentials") as caught:
        check_url("https://bob:s3cret@hooks.example.com/x", [])
    assert "s3cret" not in str(caught.value)
    assert redact("https://bob:s3cret@hooks.example.com/x?token=abc&x=1") == (
        "https://[redacted]@hooks.example.com/x?token=[redacted]&x=[redacted]"
    )
