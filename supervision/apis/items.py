"""Supervision items over the API: issue (POST), then reply, close out or send back, each with If-Match.

The month-end snapshots are read through supervision/apis/snapshots.py.
"""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from core.api import IF_MATCH, ProtectedFieldsMixin, VersionedMixin
from regions.models import Unit
from targets.selectors import indicators_visible_to

from .. import selectors, services
from ..models import SupervisionItem


class SupervisionItemSerializer(ProtectedFieldsMixin, serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField(help_text=_("True when the reply date has passed without an answer."))

    class Meta:
        model = SupervisionItem
        fields = [
            "id",
            "indicator",
            "unit",
            "notice",
            "reply_due",
            "status",
            "light_when_issued",
            "issued_by",
            "issued_at",
            "measures",
            "promised_date",
            "replied_by",
            "replied_at",
            "office_comment",
            "closed_by",
            "closed_at",
            "version",
            "overdue",
        ]
        read_only_fields = [
            "status",
            "light_when_issued",
            "issued_by",
            "issued_at",
            "measures",
            "promised_date",
            "replied_by",
            "replied_at",
            "office_comment",
            "closed_by",
            "closed_at",
            "version",
        ]
        extra_kwargs = {
            "indicator": {"help_text": _("The red or amber indicator the notice is about.")},
            "unit": {
                "help_text": _("The unit that must answer (a lead unit, co-unit or allocated township)."),
                "queryset": Unit.objects.all(),
            },
            "notice": {"help_text": _("What the unit must explain or put right (督办通知).")},
            "reply_due": {"help_text": _("The date the unit must answer by.")},
            "status": {"help_text": _("open (awaiting reply), answered, returned (sent back) or closed (销号).")},
            "measures": {"help_text": _("The unit's answer: measures taken or planned.")},
            "promised_date": {"help_text": _("The date the unit promises the work will be complete.")},
            "version": {"help_text": _("Increases with every step; send it back in If-Match.")},
            "light_when_issued": {"help_text": _("The indicator's light when the notice was issued.")},
            "issued_by": {"help_text": _("The supervision office user who issued the notice.")},
            "issued_at": {"help_text": _("When the notice was issued.")},
            "replied_by": {"help_text": _("The unit user who answered.")},
            "replied_at": {"help_text": _("When the unit answered.")},
            "office_comment": {"help_text": _("The office's comment when closing out or sending back.")},
            "closed_by": {"help_text": _("The supervision office user who closed the item out (销号).")},
            "closed_at": {"help_text": _("When the item was closed out.")},
        }

    def get_overdue(self, item) -> bool:
        return item.status in selectors.AWAITING_REPLY and item.reply_due < timezone.localdate()


class ReplySerializer(serializers.Serializer):
    measures = serializers.CharField(help_text=_("Measures taken or planned."))
    promised_date = serializers.DateField(help_text=_("The date the work will be complete."))


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("The office's comment (required when sending back).")
    )
    reply_due = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("When sending back: a new reply date.")
    )


class ItemFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text=_("Only items whose reply is overdue."))

    class Meta:
        model = SupervisionItem
        fields = ["status", "unit", "indicator", "overdue"]

    def filter_overdue(self, qs, name, value):
        late = {"status__in": selectors.AWAITING_REPLY, "reply_due__lt": timezone.localdate()}
        return qs.filter(**late) if value else qs.exclude(**late)


class SupervisionItemViewSet(VersionedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision items (督办): the office issues one on a red or amber indicator, the unit replies, the office
    closes it out (销号) or sends it back. Every step is audited and notified in-app."""

    serializer_class = SupervisionItemSerializer
    filterset_class = ItemFilter
    ordering_fields = ["issued_at", "reply_due", "id"]

    def get_queryset(self):
        return selectors.items_visible_to(self.request.user).select_related("unit").order_by("-issued_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        indicator = get_object_or_404(indicators_visible_to(request.user), pk=data["indicator"].pk)
        item = services.supervision_item_issue(
            indicator=indicator, unit=data["unit"], notice=data["notice"], reply_due=data["reply_due"], by=request.user
        )
        return self.respond_with(item, status_code=201)

    @extend_schema(request=ReplySerializer, responses=SupervisionItemSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        item = self.get_object()
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.supervision_item_reply(
            item=item, by=request.user, version=self.expected_version(item), **body.validated_data
        )
        return self.respond_with(item)

    @extend_schema(request=DecisionSerializer, responses=SupervisionItemSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        item = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.supervision_item_close(
            item=item, by=request.user, comment=body.validated_data["comment"], version=self.expected_version(item)
        )
        return self.respond_with(item)

    @extend_schema(request=DecisionSerializer, responses=SupervisionItemSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        item = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.supervision_item_send_back(
            item=item, by=request.user, version=self.expected_version(item), **body.validated_data
        )
        return self.respond_with(item)
