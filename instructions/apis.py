"""Leaders' instructions (批示) over the API: a leader issues one (POST), the units reached acknowledge and
answer, the office or the issuing leader closes it. The same checks as the pages (instructions.services)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from core.api import IF_MATCH, PreconditionFailed, VersionedMixin, parse_if_match, version_etag
from regions.models import Unit

from . import selectors, services
from .models import TARGET_FIELDS, Instruction, InstructionReach


class ReachSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, help_text=_("The unit's name."))

    class Meta:
        model = InstructionReach
        fields = [
            "unit",
            "unit_name",
            "status",
            "acknowledged_by",
            "acknowledged_at",
            "response",
            "responded_by",
            "responded_at",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "unit": {"help_text": _("A unit the instruction reaches.")},
            "status": {"help_text": _("issued (to acknowledge), acknowledged or answered.")},
            "acknowledged_by": {"help_text": _("The unit user who acknowledged it.")},
            "acknowledged_at": {"help_text": _("When the unit acknowledged it.")},
            "response": {"help_text": _("The unit's answer: what it has done.")},
            "responded_by": {"help_text": _("The unit user who answered.")},
            "responded_at": {"help_text": _("When the unit last answered.")},
            "version": {"help_text": _("Raised by each step of this unit; other units' steps leave it as it is.")},
        }


class InstructionSerializer(serializers.ModelSerializer):
    on = serializers.SerializerMethodField(help_text=_("What it is written on: report, indicator, bulletin or item."))
    units = ReachSerializer(
        source="reaches",
        many=True,
        read_only=True,
        help_text=_("The units it reaches, each with its own status and answer."),
    )
    overdue = serializers.SerializerMethodField(help_text=_("True when the answer date has passed and it is open."))

    class Meta:
        model = Instruction
        fields = [
            "id",
            "on",
            *TARGET_FIELDS,
            "text",
            "due_date",
            "status",
            "author",
            "issued_at",
            "units",
            "closed_by",
            "closed_at",
            "close_comment",
            "overdue",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "report": {"help_text": _("The progress report it is written on, when it is on one.")},
            "indicator": {"help_text": _("The indicator it is written on, when it is on one.")},
            "bulletin": {"help_text": _("The bulletin (generated report) it is written on, when it is on one.")},
            "item": {"help_text": _("The supervision item it is written on, when it is on one.")},
            "text": {"help_text": _("The instruction.")},
            "due_date": {"help_text": _("The date the units must answer by (optional).")},
            "status": {
                "help_text": _("issued, acknowledged (some unit took it up), answered (every unit answered) or closed.")
            },
            "author": {"help_text": _("The leader who wrote it.")},
            "issued_at": {"help_text": _("When it was issued.")},
            "closed_by": {"help_text": _("The office user or leader who closed it.")},
            "closed_at": {"help_text": _("When it was closed.")},
            "close_comment": {"help_text": _("The closing comment.")},
            "version": {
                "help_text": _(
                    "Raised by every step. The ETag is this version, and for a unit reached this version and its "
                    "own unit's after a dot (3.2); send the ETag back in If-Match to take the next step."
                )
            },
        }

    def get_on(self, instruction) -> str:
        return instruction.target_kind

    def get_overdue(self, instruction) -> bool:
        return selectors.is_overdue(instruction, timezone.localdate())


class IssueSerializer(serializers.Serializer):
    on = serializers.ChoiceField(
        choices=list(TARGET_FIELDS), help_text=_("What it is written on: report, indicator, bulletin or item.")
    )
    object_id = serializers.IntegerField(help_text=_("The id of the report, indicator, bulletin or item."))
    text = serializers.CharField(help_text=_("The instruction."))
    due_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("The date the units must answer by (optional).")
    )
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        many=True,
        required=False,
        help_text=_("The units it goes to; by default the object's responsible units."),
    )

    def validate(self, data):
        target = selectors.target_visible(kind=data["on"], pk=data["object_id"], user=self.context["request"].user)
        if target is None:
            # The same answer for another unit's object as for an id that names nothing.
            raise serializers.ValidationError({"object_id": _("Object does not exist.")})
        data["target"] = target
        return data


class RespondSerializer(serializers.Serializer):
    response = serializers.CharField(help_text=_("What the unit has done about the instruction."))


class CloseSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("The closing comment (optional).")
    )


class InstructionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=[(s, s) for s in selectors.STATES],
        method="filter_state",
        help_text=_("open, overdue, answered or closed."),
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(),
        field_name="reaches__unit",
        method="filter_unit",
        help_text=_("Only instructions reaching this unit."),
    )

    class Meta:
        model = Instruction
        fields = ["status", "state", "unit", "report", "indicator", "item"]

    def filter_state(self, qs, name, value):
        return qs.filter(selectors.state_q(value, timezone.localdate()))

    def filter_unit(self, qs, name, value):
        return qs.filter(reaches__unit=value).distinct()


class InstructionViewSet(VersionedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Leaders' instructions (批示): issued by a leader on a report, indicator, bulletin or supervision item,
    acknowledged and answered by each unit reached, closed by the office or the issuing leader. Every step is
    audited and notified; an instruction the caller may not see answers 404. Each step needs the ETag read
    in If-Match (428 without it, 412 when someone took a step since). A unit's ETag is "<instruction>.<its
    reach>" and its acknowledge and answer are checked against its reach only, so two units answering at once
    both go through, while two people of one unit answering the same page conflict; the close is checked
    against the instruction, which every unit's step raises."""

    serializer_class = InstructionSerializer
    filterset_class = InstructionFilter
    ordering_fields = ["issued_at", "due_date", "id"]

    def get_queryset(self):
        return (
            selectors.instructions_visible_to(self.request.user)
            .prefetch_related("reaches__unit")
            .order_by("-issued_at", "-id")
        )

    @extend_schema(request=IssueSerializer, responses={201: InstructionSerializer})
    def create(self, request, *args, **kwargs):
        body = IssueSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        instruction = services.instruction_issue(
            kind=data["on"],
            target=data["target"],
            by=request.user,
            text=data["text"],
            units=data.get("units"),
            due_date=data["due_date"],
        )
        return self.respond_with(instruction, status_code=201)

    def etag_of(self, instruction) -> str:
        reach = selectors.reach_of(instruction, self.request.user)
        if reach is None:
            return version_etag(instruction.version)
        return version_etag(f"{instruction.version}.{reach.version}")

    def expected_version(self, obj=None):
        """The instruction's version, from the whole ETag sent back (the close)."""
        tag = parse_if_match(self.request)
        if version_etag(tag) != self.etag_of(obj):
            raise PreconditionFailed(current=obj)
        return int(tag.partition(".")[0])

    def reach_version(self, instruction) -> int:
        """The version of the caller's own reach, from the part of the ETag after the dot (a unit's step):
        428 without If-Match, 412 when that part is stale, whatever other units did since."""
        tag = parse_if_match(self.request)
        reach = selectors.reach_of(instruction, self.request.user)
        if reach is None:
            raise services.NotAllowed(_("Only the units this instruction reaches acknowledge or answer it."))
        _instruction, dot, own = tag.partition(".")
        if not dot or own != str(reach.version):
            raise PreconditionFailed(current=instruction)
        return reach.version

    def _answer(self, instruction):
        return self.respond_with(self.get_queryset().get(pk=instruction.pk))

    @extend_schema(request=None, responses=InstructionSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None, **kwargs):
        instruction = self.get_object()
        services.instruction_acknowledge(
            instruction=instruction, by=request.user, expected_version=self.reach_version(instruction)
        )
        return self._answer(instruction)

    @extend_schema(request=RespondSerializer, responses=InstructionSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None, **kwargs):
        instruction = self.get_object()
        body = RespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.instruction_respond(
            instruction=instruction,
            by=request.user,
            response=body.validated_data["response"],
            expected_version=self.reach_version(instruction),
        )
        return self._answer(instruction)

    @extend_schema(request=CloseSerializer, responses=InstructionSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, **kwargs):
        instruction = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.instruction_close(
            instruction=instruction,
            by=request.user,
            comment=body.validated_data["comment"],
            expected_version=self.expected_version(instruction),
        )
        return self._answer(instruction)
