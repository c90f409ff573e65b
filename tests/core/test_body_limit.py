"""A body over the cap is refused from its Content-Length, in Chinese, before a byte of it is read."""

import io
import json

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


class WatchedBody(io.RawIOBase):
    """A request body that counts what the server reads of it and pretends to hold ``size`` bytes."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


def send(path, size, headers=None, declare=True):
    environ = RequestFactory().post(path, data=b"", content_type="multipart/form-data; boundary=xx").environ
    body = WatchedBody(size)
    environ.update({"wsgi.input": body, "CONTENT_LENGTH": str(size) if declare else ""}, **(headers or {}))
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(response_headers)

    content = b"".join(WSGIHandler()(environ, start_response)).decode()
    return seen, content, body.read_bytes


def test_a_300_mb_upload_to_the_income_import_is_refused_unread_with_a_chinese_413():
    seen, content, read = send("/villages/income/import/", 300 * 1024 * 1024)
    assert seen["status"] == 413 and read == 0
    assert "上传内容为 300.0 MB，一次最多可发送 11 MB" in content
    assert seen["headers"]["Connection"] == "close"


def test_the_api_answers_413_as_json_in_the_api_shape():
    seen, content, read = send("/api/evidence/", 50 * 1024 * 1024)
    assert seen["status"] == 413 and read == 0
    assert json.loads(content)["code"] == "too_large" and "11 MB" in json.loads(content)["message"]


def test_the_entry_page_takes_ten_evidence_files_but_not_more():
    assert send("/entry/1/2025-05/", 101 * 1024 * 1024 + 1)[0]["status"] == 413
    assert send("/entry/1/2025-05/", 60 * 1024 * 1024)[0]["status"] != 413


def test_english_is_answered_in_english():
    seen, content, _ = send("/villages/income/import/", 20 * 1024 * 1024, {"HTTP_ACCEPT_LANGUAGE": "en"})
    assert seen["status"] == 413 and "at most 11 MB can be sent at once" in content


def test_a_chunked_body_without_a_length_is_refused_unread():
    seen, content, read = send(
        "/villages/income/import/", 5 * 1024 * 1024, {"HTTP_TRANSFER_ENCODING": "chunked"}, declare=False
    )
    assert seen["status"] == 411 and read == 0 and "Content-Length" in content


def test_a_body_under_the_cap_reaches_the_page():
    seen, content, _ = send("/villages/income/import/", 1024)
    assert seen["status"] == 403 and "CSRF" in content  # the next check down the stack answered
