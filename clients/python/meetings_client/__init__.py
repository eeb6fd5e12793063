"""A small, idiomatic Python client of the meeting-records service.

It wraps the stubs that protoc and grpc_python_plugin generate at build
time (``meetings/v1/*_pb2.py`` and ``*_pb2_grpc.py`` in the build tree's
``clients/python`` directory); put that directory and this package's parent
on ``sys.path`` (or PYTHONPATH)::

    from datetime import date
    from meetings_client import Client

    with Client("localhost:50051") as client:
        for meeting in client.iter_meetings(organization="vusta",
                                            start_date=date(2021, 11, 1),
                                            end_date=date(2021, 11, 30)):
            print(meeting.name, meeting.title)

Needs Debian's python3-grpcio and python3-protobuf (/usr/bin/python3).
"""

from meetings_client.client import (
    AlreadyExists,
    Client,
    DeadlineExceeded,
    Error,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    RetryPolicy,
    Unauthenticated,
    Unavailable,
    service_config_json,
)

__all__ = [
    "AlreadyExists",
    "Client",
    "DeadlineExceeded",
    "Error",
    "FailedPrecondition",
    "InvalidArgument",
    "NotFound",
    "PermissionDenied",
    "RetryPolicy",
    "Unauthenticated",
    "Unavailable",
    "service_config_json",
]
