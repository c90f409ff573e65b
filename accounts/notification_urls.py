from django.urls import path

from . import notification_views

urlpatterns = [
    path("", notification_views.notification_list, name="notifications"),
    path("<int:pk>/open/", notification_views.notification_open, name="notification-open"),
    path("read-all/", notification_views.notification_read_all, name="notifications-read-all"),
]
