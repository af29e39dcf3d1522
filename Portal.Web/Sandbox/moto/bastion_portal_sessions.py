"""Session Manager's session API for the sandbox's moto, which has none.

Installed by sitecustomize.py beside this file, so only the Python that runs the sandbox's (or the tests') moto_server
loads it. Request and response shapes are botocore's ssm service model: moto serialises what these handlers return
against that model, as it does for its own operations.

- StartSession: the caller is the owner, as STS GetCallerIdentity answers for the access key used (moto maps an IAM
  user's access keys to that user, with its path); the session id is `<principal>-<17 lowercase hex>`, the principal
  being the user name, the role session name or `moto` for moto's default identity. The target must be a running EC2
  instance (else TargetNotConnected); the document must be an AWS-owned one, the account's preferences document or
  another Session document in the account (else InvalidDocument).
- ResumeSession: an active session (else DoesNotExistException).
- TerminateSession: ends an active session (Status Terminated, EndDate now); an ended or unknown one is no error.
- DescribeSessions: State Active (Connected) or History (Terminated, ended in the last 30 days), newest first, filters InvokedAfter,
  InvokedBefore, Target, Owner, Status, SessionId and AccessType, MaxResults 1 to 200 and NextToken.

Sessions do not exist in real AWS before they are started, so the sandbox's seeder records ended and live sessions
with given ids and times through `POST /moto-api/bastion-portal/sessions` (JSON: account, region and sessions, each
with SessionId, Owner, Target, DocumentName, StartDate, optional EndDate). That route exists only here.
"""

import datetime
import json
import secrets

from moto.core.exceptions import JsonRESTError

_DEFAULT_DOCUMENT = "SSM-SessionManagerRunShell"
_FILTER_KEYS = {"InvokedAfter", "InvokedBefore", "Target", "Owner", "Status", "SessionId", "AccessType"}
_ACTIVE = {"Connected", "Connecting", "Disconnected"}


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _store(account_id, region):
    from moto.ssm.models import ssm_backends

    backend = ssm_backends[account_id][region]
    sessions = getattr(backend, "bastion_portal_sessions", None)
    if sessions is None:
        # Kept on moto's own backend, so /moto-api/reset clears sessions with everything else.
        sessions = backend.bastion_portal_sessions = {}
    return sessions


def _parse_time(value):
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def _validation(message):
    return JsonRESTError("ValidationException", message)


def _caller(response):
    from moto.sts.models import sts_backends

    sts = sts_backends[response.current_account]["global"]
    _, arn, _ = sts.get_caller_identity(response.get_access_key(), response.region)
    return arn


def _principal(owner_arn):
    resource = owner_arn.split(":", 5)[-1]
    if resource.startswith("assumed-role/"):
        return resource.split("/")[-1]
    if resource == "root":
        return "root"
    return resource.split("/")[-1]


def _check_target(response, target):
    from moto.ec2.models import ec2_backends

    if not target or not isinstance(target, str):
        raise _validation("1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null")
    ec2 = ec2_backends[response.current_account][response.region]
    for reservation in ec2.reservations.values():
        for instance in reservation.instances:
            if instance.id == target and instance.state == "running":
                return
    raise JsonRESTError("TargetNotConnected", f"{target} is not connected.")


def _check_document(response, name):
    if name.startswith("AWS-") or name == _DEFAULT_DOCUMENT:
        return
    backend = response.ssm_backend
    documents = getattr(backend, "_documents", {})
    if name not in documents:
        raise JsonRESTError("InvalidDocument", f"Document with name {name} does not exist.")


def _view(session):
    view = {key: value for key, value in session.items() if value is not None and not key.startswith("_")}
    return view


def start_session(self):
    target = self._get_param("Target")
    document = self._get_param("DocumentName") or _DEFAULT_DOCUMENT
    _check_target(self, target)
    _check_document(self, document)
    owner = _caller(self)
    session_id = f"{_principal(owner)}-{secrets.token_hex(9)[:17]}"
    _store(self.current_account, self.region)[session_id] = {
        "SessionId": session_id,
        "Target": target,
        "Status": "Connected",
        "StartDate": _now(),
        "EndDate": None,
        "DocumentName": document,
        "Owner": owner,
        "Reason": self._get_param("Reason"),
        "AccessType": "Standard",
    }
    return self._bastion_portal_result(_stream(self, session_id))


def resume_session(self):
    session_id = self._get_param("SessionId")
    session = _store(self.current_account, self.region).get(session_id)
    if session is None or session["Status"] not in _ACTIVE:
        raise JsonRESTError("DoesNotExistException", f"Session {session_id} does not exist or is not active.")
    session["Status"] = "Connected"
    return self._bastion_portal_result(_stream(self, session_id))


def terminate_session(self):
    session_id = self._get_param("SessionId")
    if not session_id or len(session_id) > 96:
        raise _validation("1 validation error detected: Value at 'sessionId' failed to satisfy constraint: Member must have length between 1 and 96")
    session = _store(self.current_account, self.region).get(session_id)
    if session is not None and session["Status"] in _ACTIVE:
        session["Status"] = "Terminated"
        session["EndDate"] = _now()
    return self._bastion_portal_result({"SessionId": session_id})


def describe_sessions(self):
    state = self._get_param("State")
    if state not in ("Active", "History"):
        raise _validation(f"1 validation error detected: Value '{state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [Active, History]")
    max_results = self._get_param("MaxResults") or 20
    if not 1 <= int(max_results) <= 200:
        raise _validation(f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 200")
    filters = self._get_param("Filters") or []
    if len(filters) > 6:
        raise _validation("1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 6")
    for f in filters:
        if f.get("key") not in _FILTER_KEYS:
            raise JsonRESTError("InvalidFilterKey", f"The filter key {f.get('key')} is not valid.")

    # Session Manager keeps the history of ended sessions for 30 days.
    kept_since = _now() - datetime.timedelta(days=30)
    sessions = [
        s for s in _store(self.current_account, self.region).values()
        if (s["Status"] in _ACTIVE) == (state == "Active") and (s["Status"] in _ACTIVE or (s["EndDate"] or s["StartDate"]) >= kept_since)
    ]
    for f in filters:
        key, value = f["key"], f.get("value", "")
        if key == "InvokedAfter":
            after = _parse_time(value)
            sessions = [s for s in sessions if s["StartDate"] >= after]
        elif key == "InvokedBefore":
            before = _parse_time(value)
            sessions = [s for s in sessions if s["StartDate"] <= before]
        else:
            sessions = [s for s in sessions if s.get(key) == value]
    sessions.sort(key=lambda s: (s["StartDate"], s["SessionId"]), reverse=True)

    token = self._get_param("NextToken")
    try:
        start = int(token) if token else 0
    except ValueError:
        raise JsonRESTError("InvalidNextToken", "The specified token is not valid.")
    if start < 0 or start > len(sessions):
        raise JsonRESTError("InvalidNextToken", "The specified token is not valid.")
    page = sessions[start:start + int(max_results)]
    result = {"Sessions": [_view(s) for s in page]}
    if start + len(page) < len(sessions):
        result["NextToken"] = str(start + len(page))
    return self._bastion_portal_result(result)


def _stream(response, session_id):
    return {
        "SessionId": session_id,
        "TokenValue": secrets.token_urlsafe(32),
        "StreamUrl": f"wss://ssmmessages.{response.region}.amazonaws.com/v1/data-channel/{session_id}?role=publish_subscribe",
    }


def record_sessions(request, full_url, headers):
    """The seeder's route: records sessions with given ids and times (idempotent by SessionId)."""
    if request.method != "POST":
        return 405, {}, json.dumps({"Error": "POST sessions to record them"})
    body = json.loads(request.get_data() or b"{}")
    store = _store(body.get("account", "123456789012"), body.get("region", "us-east-1"))
    recorded = 0
    for item in body.get("sessions", []):
        ended = item.get("EndDate")
        store[item["SessionId"]] = {
            "SessionId": item["SessionId"],
            "Target": item["Target"],
            "Status": "Terminated" if ended else "Connected",
            "StartDate": _parse_time(item["StartDate"]),
            "EndDate": _parse_time(ended) if ended else None,
            "DocumentName": item.get("DocumentName") or _DEFAULT_DOCUMENT,
            "Owner": item["Owner"],
            "Reason": item.get("Reason"),
            "AccessType": "Standard",
        }
        recorded += 1
    return 200, {"Content-Type": "application/json"}, json.dumps({"recorded": recorded})


def install():
    from moto.core.responses import ActionResult
    from moto.moto_api._internal import urls
    from moto.ssm.responses import SimpleSystemManagerResponse

    SimpleSystemManagerResponse._bastion_portal_result = staticmethod(ActionResult)
    SimpleSystemManagerResponse.start_session = start_session
    SimpleSystemManagerResponse.resume_session = resume_session
    SimpleSystemManagerResponse.terminate_session = terminate_session
    SimpleSystemManagerResponse.describe_sessions = describe_sessions
    urls.url_paths["{0}/moto-api/bastion-portal/sessions"] = record_sessions
