"""CloudTrail LookupEvents for the sandbox's moto, which has none, over the sessions of bastion_portal_sessions.py.

Installed by sitecustomize.py beside this file, so only the Python that runs the sandbox's (or the tests') moto_server
loads it. CloudTrail's event history (90 days of management events, no trail needed) holds a StartSession event for
every session started, with the target and document in requestParameters and the session id in responseElements,
and a TerminateSession event when the client ends it (the session-manager-plugin does on exit). Here those events are
made from the session store at query time: every session has its StartSession; every ended one its TerminateSession.
Shapes are botocore's cloudtrail model: Events newest first, at most MaxResults (1 to 50, default 50) a page, NextToken,
one LookupAttribute (EventName, EventId, Username, ResourceName, EventSource...), StartTime and EndTime.
"""

import datetime
import hashlib
import json

from moto.core.exceptions import JsonRESTError

_KEYS = {"EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"}


def _time(value):
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    text = str(value).replace("Z", "+00:00")
    parsed = datetime.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def _stamp(at):
    return at.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _events(account, region):
    import bastion_portal_sessions

    events = []
    for session in bastion_portal_sessions._store(account, region).values():
        owner = session["Owner"]
        user = owner.split(":", 5)[-1].split("/")[-1]
        identity = {"type": "AssumedRole" if ":assumed-role/" in owner else "IAMUser", "arn": owner, "accountId": account, "userName": user}
        start = {
            "eventVersion": "1.09",
            "userIdentity": identity,
            "eventTime": _stamp(session["StartDate"]),
            "eventSource": "ssm.amazonaws.com",
            "eventName": "StartSession",
            "awsRegion": region,
            "requestParameters": {"target": session["Target"], "documentName": session["DocumentName"]},
            "responseElements": {"sessionId": session["SessionId"], "tokenValue": "Value hidden due to security reasons.", "streamUrl": f"wss://ssmmessages.{region}.amazonaws.com/v1/data-channel/{session['SessionId']}?role=publish_subscribe"},
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
        }
        events.append((session["StartDate"], start, user, session["Target"]))
        if session.get("EndDate") is not None:
            end = dict(start, eventTime=_stamp(session["EndDate"]), eventName="TerminateSession", requestParameters={"sessionId": session["SessionId"]}, responseElements={"sessionId": session["SessionId"]})
            events.append((session["EndDate"], end, user, session["Target"]))
    for _, event, _, _ in events:
        event["eventID"] = hashlib.sha256(f"{event['eventName']}/{event['responseElements']['sessionId']}".encode()).hexdigest()[:36]
    return events


def lookup_events(self):
    attributes = self._get_param("LookupAttributes") or []
    if len(attributes) > 1:
        raise JsonRESTError("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
    for attribute in attributes:
        if attribute.get("AttributeKey") not in _KEYS:
            raise JsonRESTError("InvalidLookupAttributesException", f"{attribute.get('AttributeKey')} is not a valid lookup attribute key.")
    max_results = int(self._get_param("MaxResults") or 50)
    if not 1 <= max_results <= 50:
        raise JsonRESTError("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
    start, end = _time(self._get_param("StartTime")), _time(self._get_param("EndTime"))
    if start and end and start > end:
        raise JsonRESTError("InvalidTimeRangeException", "StartTime must be before EndTime.")

    found = []
    for at, event, user, target in _events(self.current_account, self.region):
        if (start and at < start) or (end and at > end):
            continue
        fields = {"EventId": event["eventID"], "EventName": event["eventName"], "Username": user, "EventSource": "ssm.amazonaws.com", "ResourceName": target, "ReadOnly": "false"}
        if any(fields.get(a["AttributeKey"]) != a.get("AttributeValue") for a in attributes):
            continue
        found.append((at, {
            "EventId": event["eventID"],
            "EventName": event["eventName"],
            "ReadOnly": "false",
            "EventTime": at.timestamp(),
            "EventSource": "ssm.amazonaws.com",
            "Username": user,
            "Resources": [{"ResourceType": "AWS::EC2::Instance", "ResourceName": target}],
            "CloudTrailEvent": json.dumps(event),
        }))
    found.sort(key=lambda item: (item[0], item[1]["EventId"]), reverse=True)

    token = self._get_param("NextToken")
    try:
        first = int(token) if token else 0
    except ValueError:
        raise JsonRESTError("InvalidNextTokenException", "The token is not valid.")
    page = [event for _, event in found[first:first + max_results]]
    result = {"Events": page}
    if first + len(page) < len(found):
        result["NextToken"] = str(first + len(page))
    return json.dumps(result)


def install():
    from moto.cloudtrail.responses import CloudTrailResponse

    CloudTrailResponse.lookup_events = lookup_events
