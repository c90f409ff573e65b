"""The admin reads Chinese for a superuser in zh-hans: Django's own words, the product's name, and
the apps Django does not translate (axes, otp_totp) named through accounts.admin_apps."""

import re

import pytest
from axes.models import AccessAttempt

from accounts.models import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def page(client, url) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def test_admin_change_links_read_django_s_word_not_the_review_queue_s(admin_client):
    html = page(admin_client, "/admin/")
    assert ">修改</a>" in html
    assert "变化" not in html


def test_admin_header_and_title_name_the_product_not_django(admin_client):
    html = page(admin_client, "/admin/")
    assert "Django" not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Django 管理" not in html
    assert "乡村振兴目标任务跟踪 · 后台管理" in html


def test_axes_and_otp_totp_sections_are_named_in_chinese(admin_client):
    html = page(admin_client, "/admin/")
    for chinese in (
        "登录失败锁定",
        "登录尝试",
        "登录失败记录",
        "登录日志",
        "双因素认证（身份验证器应用）",
        "身份验证器（TOTP）",
    ):
        assert chinese in html
    for english in ("Axes", "Otp_Totp", "Access attempts", "Access failures", "Access logs", "TOTP devices"):
        assert english not in html


def test_users_list_heads_the_name_column_in_chinese(admin_client):
    html = page(admin_client, "/admin/accounts/user/")
    assert "Get full name" not in html
    header = re.search(r'<th scope="col" class="[^"]*column-full_name[^"]*">(.*?)</th>', html, re.S).group(1)
    assert "姓名" in header


def test_axes_change_list_columns_read_chinese(admin_client):
    AccessAttempt.objects.create(
        username="damen",
        ip_address="10.0.0.9",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    html = page(admin_client, "/admin/axes/accessattempt/")
    for chinese in ("尝试时间", "IP 地址", "浏览器标识（User-Agent）", "登录失败次数"):
        assert chinese in html
