"""Client of meetings.v1.MeetingRecords over the generated gRPC stubs.

Errors: every failed call raises an ``Error`` subclass chosen by the gRPC
status code (``NotFound``, ``InvalidArgument``, ...; ``Error`` itself for
the rest) carrying ``code`` (a ``grpc.StatusCode``) and the server's
``message``. Deadlines: each call gets ``timeout`` seconds (default: the
client's, 10 s). Reads (get_*, iter_*, search) are retried by gRPC on
UNAVAILABLE per the channel's service config; writes are never retried.
A Client is safe to share between threads; an iterator is not.
"""

import dataclasses
import datetime
import json
from typing import Iterator, Optional, Union

import grpc
from google.protobuf import field_mask_pb2, json_format

from meetings.v1 import resources_pb2, service_pb2, service_pb2_grpc

_SERVICE = "meetings.v1.MeetingRecords"
_IDEMPOTENT_METHODS = (
    "GetOrganization", "ListOrganizations", "GetPerson", "ListPersons",
    "GetMeeting", "ListMeetings", "GetDocument", "ListDocuments",
    "SearchRecords", "ListRevisions", "GetRevision",
)


class Error(Exception):
    """A failed call: ``code`` is the grpc.StatusCode, ``message`` the server's text."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message


class InvalidArgument(Error):
    """INVALID_ARGUMENT: the message names the offending field."""


class NotFound(Error):
    """NOT_FOUND: the resource (or one it refers to) does not exist."""


class AlreadyExists(Error):
    """ALREADY_EXISTS: the id is taken, now or before (ids are never reused)."""


class FailedPrecondition(Error):
    """FAILED_PRECONDITION or ABORTED: still referenced, or a stale etag."""


class Unavailable(Error):
    """UNAVAILABLE: the server could not be reached (after any retries)."""


class DeadlineExceeded(Error):
    """DEADLINE_EXCEEDED: the call's timeout passed."""


class Unauthenticated(Error):
    """UNAUTHENTICATED: no or bad credentials (``token``, client certificate)."""


class PermissionDenied(Error):
    """PERMISSION_DENIED: the credentials do not allow this change."""


_ERRORS = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.ABORTED: FailedPrecondition,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
}


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """gRPC retryPolicy for the reads; max_attempts=1 disables retries (gRPC caps it at 5)."""

    max_attempts: int = 5
    initial_backoff: float = 0.2  # seconds
    max_backoff: float = 2.0  # seconds
    backoff_multiplier: float = 2.0


def service_config_json(policy: RetryPolicy) -> str:
    """The channel's service config: `policy` on every Get*/List*, UNAVAILABLE only."""
    config = {"name": [{"service": _SERVICE, "method": m} for m in _IDEMPOTENT_METHODS]}
    if policy.max_attempts > 1:
        config["retryPolicy"] = {
            "maxAttempts": policy.max_attempts,
            "initialBackoff": f"{policy.initial_backoff:.9f}s",
            "maxBackoff": f"{policy.max_backoff:.9f}s",
            "backoffMultiplier": policy.backoff_multiplier,
            "retryableStatusCodes": ["UNAVAILABLE"],
        }
    return json.dumps({"methodConfig": [config]})


def _qualify(collection: str, id_or_name: str) -> str:
    return id_or_name if "/" in id_or_name else f"{collection}/{id_or_name}"


def _date(value: Union[None, str, datetime.date]) -> Optional[resources_pb2.Date]:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return resources_pb2.Date(year=value.year, month=value.month, day=value.day)


def _message(value, cls):
    """A message of type `cls` from a message or a proto3-JSON-style dict."""
    if isinstance(value, cls):
        return value
    return json_format.ParseDict(value, cls())


def _mask(paths) -> Optional[field_mask_pb2.FieldMask]:
    if paths is None:
        return None
    if isinstance(paths, str):
        paths = [p.strip() for p in paths.split(",") if p.strip()]
    return field_mask_pb2.FieldMask(paths=list(paths))


class Client:
    """Client(target="localhost:50051", timeout=10.0, credentials=None, retry=RetryPolicy(), token=None).

    ``credentials``: None for plaintext, or ``grpc.ssl_channel_credentials(...)``
    for TLS (with a client key and certificate for mutual TLS).
    ``token``: a bearer token sent with every call as ``authorization: Bearer
    <token>``, for a server with an authorization policy (use it with TLS).
    """

    def __init__(self, target: str = "localhost:50051", timeout: float = 10.0,
                 credentials: Optional[grpc.ChannelCredentials] = None,
                 retry: RetryPolicy = RetryPolicy(), options=(), token: Optional[str] = None):
        channel_options = [
            ("grpc.service_config", service_config_json(retry)),
            ("grpc.enable_retries", 1),
            ("grpc.primary_user_agent", "meetings-client-python/0.1.0"),
        ] + list(options)
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=channel_options)
        else:
            self._channel = grpc.secure_channel(target, credentials, options=channel_options)
        self._stub = service_pb2_grpc.MeetingRecordsStub(self._channel)
        self._timeout = timeout
        self._metadata = (("authorization", "Bearer " + token),) if token else None

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, method: str, request, timeout: Optional[float]):
        try:
            return getattr(self._stub, method)(
                request, timeout=self._timeout if timeout is None else timeout,
                metadata=self._metadata)
        except grpc.RpcError as e:  # a grpc.Call as well
            raise _ERRORS.get(e.code(), Error)(e.code(), e.details() or "") from None

    def _pages(self, method: str, request, items: str, timeout: Optional[float]):
        """Yields every item of every page, fetching pages as the loop needs them."""
        request.page_token = ""
        while True:
            response = self._call(method, request, timeout)
            yield from getattr(response, items)
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    # ---- Organizations ----
    def create_organization(self, organization, organization_id: str = "", timeout=None):
        return self._call("CreateOrganization", service_pb2.CreateOrganizationRequest(
            organization=_message(organization, resources_pb2.Organization),
            organization_id=organization_id), timeout)

    def get_organization(self, id_or_name: str, timeout=None) -> resources_pb2.Organization:
        return self._call("GetOrganization", service_pb2.GetOrganizationRequest(
            name=_qualify("organizations", id_or_name)), timeout)

    def update_organization(self, organization, update_mask=None, timeout=None):
        return self._call("UpdateOrganization", service_pb2.UpdateOrganizationRequest(
            organization=_message(organization, resources_pb2.Organization),
            update_mask=_mask(update_mask)), timeout)

    def delete_organization(self, id_or_name: str, etag: str = "", timeout=None) -> None:
        self._call("DeleteOrganization", service_pb2.DeleteOrganizationRequest(
            name=_qualify("organizations", id_or_name), etag=etag), timeout)

    def iter_organizations(self, parent: Optional[str] = None, page_size: int = 0,
                           timeout=None) -> Iterator[resources_pb2.Organization]:
        request = service_pb2.ListOrganizationsRequest(
            parent=_qualify("organizations", parent) if parent else "", page_size=page_size)
        return self._pages("ListOrganizations", request, "organizations", timeout)

    # ---- Persons ----
    def create_person(self, person, person_id: str = "", timeout=None):
        return self._call("CreatePerson", service_pb2.CreatePersonRequest(
            person=_message(person, resources_pb2.Person), person_id=person_id), timeout)

    def get_person(self, id_or_name: str, timeout=None) -> resources_pb2.Person:
        return self._call("GetPerson", service_pb2.GetPersonRequest(
            name=_qualify("persons", id_or_name)), timeout)

    def update_person(self, person, update_mask=None, timeout=None):
        return self._call("UpdatePerson", service_pb2.UpdatePersonRequest(
            person=_message(person, resources_pb2.Person), update_mask=_mask(update_mask)),
            timeout)

    def delete_person(self, id_or_name: str, etag: str = "", timeout=None) -> None:
        self._call("DeletePerson", service_pb2.DeletePersonRequest(
            name=_qualify("persons", id_or_name), etag=etag), timeout)

    def iter_persons(self, page_size: int = 0, timeout=None) -> Iterator[resources_pb2.Person]:
        return self._pages("ListPersons", service_pb2.ListPersonsRequest(page_size=page_size),
                           "persons", timeout)

    # ---- Meetings ----
    def create_meeting(self, meeting, meeting_id: str = "", timeout=None):
        return self._call("CreateMeeting", service_pb2.CreateMeetingRequest(
            meeting=_message(meeting, resources_pb2.Meeting), meeting_id=meeting_id), timeout)

    def get_meeting(self, id_or_name: str, timeout=None) -> resources_pb2.Meeting:
        return self._call("GetMeeting", service_pb2.GetMeetingRequest(
            name=_qualify("meetings", id_or_name)), timeout)

    def update_meeting(self, meeting, update_mask=None, timeout=None):
        return self._call("UpdateMeeting", service_pb2.UpdateMeetingRequest(
            meeting=_message(meeting, resources_pb2.Meeting), update_mask=_mask(update_mask)),
            timeout)

    def delete_meeting(self, id_or_name: str, etag: str = "", force: bool = False,
                       timeout=None) -> None:
        self._call("DeleteMeeting", service_pb2.DeleteMeetingRequest(
            name=_qualify("meetings", id_or_name), etag=etag, force=force), timeout)

    def iter_meetings(self, organization: Optional[str] = None,
                      include_sub_organizations: bool = False,
                      person: Optional[str] = None,
                      start_date: Union[None, str, datetime.date] = None,
                      end_date: Union[None, str, datetime.date] = None,
                      newest_first: bool = False, page_size: int = 0,
                      timeout=None) -> Iterator[resources_pb2.Meeting]:
        """Every meeting matching the filters, all pages, fetched lazily.

        organization/person: an id ("vusta") or a resource name; not both.
        start_date/end_date: local dates (datetime.date or "YYYY-MM-DD"),
        inclusive, in each meeting's own time zone. Raises an Error when a
        page fails (the items before it have been yielded).
        """
        request = service_pb2.ListMeetingsRequest(
            organization=_qualify("organizations", organization) if organization else "",
            include_sub_organizations=include_sub_organizations,
            person=_qualify("persons", person) if person else "",
            start_date=_date(start_date), end_date=_date(end_date),
            order_by="start_time desc" if newest_first else "start_time",
            page_size=page_size)
        return self._pages("ListMeetings", request, "meetings", timeout)

    def meetings_on(self, day: Union[str, datetime.date], **filters) -> Iterator[resources_pb2.Meeting]:
        """Meetings held on one local date (other iter_meetings filters allowed)."""
        return self.iter_meetings(start_date=day, end_date=day, **filters)

    # ---- Documents ----
    def create_document(self, meeting: str, document, document_id: str = "", timeout=None):
        return self._call("CreateDocument", service_pb2.CreateDocumentRequest(
            parent=_qualify("meetings", meeting),
            document=_message(document, resources_pb2.Document),
            document_id=document_id), timeout)

    def get_document(self, name: str, timeout=None) -> resources_pb2.Document:
        """`name`: meetings/{meeting}/documents/{document}."""
        return self._call("GetDocument", service_pb2.GetDocumentRequest(name=name), timeout)

    def update_document(self, document, update_mask=None, timeout=None):
        return self._call("UpdateDocument", service_pb2.UpdateDocumentRequest(
            document=_message(document, resources_pb2.Document),
            update_mask=_mask(update_mask)), timeout)

    def delete_document(self, name: str, etag: str = "", timeout=None) -> None:
        self._call("DeleteDocument", service_pb2.DeleteDocumentRequest(name=name, etag=etag),
                   timeout)

    def iter_documents(self, meeting: str, status=None, type=None, page_size: int = 0,
                       timeout=None) -> Iterator[resources_pb2.Document]:
        """Documents of `meeting` (id or name), optionally of one status and type
        (enum values or names such as "DRAFT", "REPORT")."""
        request = service_pb2.ListDocumentsRequest(parent=_qualify("meetings", meeting),
                                                   page_size=page_size)
        if status is not None:
            request.status = (resources_pb2.Document.Status.Value(status)
                              if isinstance(status, str) else status)
        if type is not None:
            request.type = (resources_pb2.Document.Type.Value(type)
                            if isinstance(type, str) else type)
        return self._pages("ListDocuments", request, "documents", timeout)

    # ---- Search and history ----
    def search(self, query: str, types=(), organization: Optional[str] = None,
               include_sub_organizations: bool = False,
               start_date: Union[None, str, datetime.date] = None,
               end_date: Union[None, str, datetime.date] = None, page_size: int = 0,
               timeout=None) -> Iterator[service_pb2.SearchResult]:
        """Records whose titles or names contain every word of `query`, ignoring case
        and Vietnamese diacritics, most relevant first, all pages. `types`: record
        types by name ("PERSON", "MEETING", ...) or value."""
        request = service_pb2.SearchRecordsRequest(
            query=query,
            types=[service_pb2.RecordType.Value(t) if isinstance(t, str) else t for t in types],
            organization=_qualify("organizations", organization) if organization else "",
            include_sub_organizations=include_sub_organizations,
            start_date=_date(start_date), end_date=_date(end_date), page_size=page_size)
        return self._pages("SearchRecords", request, "results", timeout)

    def iter_revisions(self, name: str, page_size: int = 0,
                       timeout=None) -> Iterator[service_pb2.Revision]:
        """The versions of the record `name` (live or deleted), newest first."""
        return self._pages("ListRevisions",
                           service_pb2.ListRevisionsRequest(name=name, page_size=page_size),
                           "revisions", timeout)

    def get_revision(self, name: str, revision_id: int, timeout=None) -> service_pb2.Revision:
        return self._call("GetRevision", service_pb2.GetRevisionRequest(
            name=name, revision_id=revision_id), timeout)
