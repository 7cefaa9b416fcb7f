"""Running untrusted submission code: a confined worker process and the pipe protocol to it."""

from grader.sandbox.client import GraderFault, StudentError, WorkerClient
from grader.sandbox.protocol import ProtocolError

__all__ = ["GraderFault", "ProtocolError", "StudentError", "WorkerClient"]
