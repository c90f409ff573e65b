"""Where evidence files live: outside MEDIA_ROOT, so no URL serves them except the checked download view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class EvidenceStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.EVIDENCE_ROOT, read on each use so tests can point it elsewhere."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.EVIDENCE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Evidence has no public URL; use the download view.")
