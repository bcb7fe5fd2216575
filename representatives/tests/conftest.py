import pytest
from django.utils import translation


@pytest.fixture
def in_english_thread():
    """English messages for service calls made outside a request."""
    with translation.override("en"):
        yield
