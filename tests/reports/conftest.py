import pytest


@pytest.fixture(autouse=True)
def report_media(settings, tmp_path):
    """Generated files go to a temporary folder, not the working tree's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
