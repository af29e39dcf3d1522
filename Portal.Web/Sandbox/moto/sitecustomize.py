"""Loaded by the Python that runs the sandbox's moto_server (the portal puts this folder first on PYTHONPATH).

It makes six changes, all for the sandbox and the tests only.

1. Session Manager's session API (StartSession, ResumeSession, TerminateSession, DescribeSessions), which moto
   lacks: see bastion_portal_sessions.py beside this file.

2. CloudTrail's LookupEvents, made from those sessions (StartSession, TerminateSession): see
   bastion_portal_cloudtrail.py.

3. KMS Sign with MessageType DIGEST, which moto signs as if it were a raw message: see bastion_portal_kms.py.

4. ListObjectVersions with a KeyMarker alone lists the keys after it, as S3 does (moto drops the first), and
   without copying every object's content on each call (moto's costs as much as copying the bucket): see
   bastion_portal_s3.py.

5. IAM users' permissions boundaries (PutUserPermissionsBoundary, GetUser's PermissionsBoundary), which moto keeps
   for roles only: see bastion_portal_iam.py.

6. moto evaluates a bucket policy without any request context: a statement with a Condition is applied as if the
condition held. AWS applies it only when it holds. So the TLS-only statement the setup wizard adds to the log
bucket ("Deny s3:* when aws:SecureTransport is false") makes moto refuse every object read, although the portal
would reach real S3 over TLS. Here a bucket-policy statement whose condition needs request context moto does not
have is left out, as AWS would leave it out for a request that does not match it. Nothing else changes.
"""

import json
import sys


def _needs_context(statement):
    conditions = statement.get("Condition") if isinstance(statement, dict) else None
    if not conditions:
        return False
    # "...IfExists" operators hold when the key is absent; the others cannot hold without the key.
    return any(not operator.endswith("IfExists") for operator in conditions)


def _patch():
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3 import models

    def get_permission(self, action, resource):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode())
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        document["Statement"] = [s for s in statements if not _needs_context(s)]
        return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)

    models.FakeBucket.get_permission = get_permission


try:
    _patch()
except Exception as error:  # an incompatible moto: run it as it is, and say so
    print(f"bastion-portal sandbox: bucket policy conditions not adjusted ({error!r})", file=sys.stderr)

try:
    import bastion_portal_sessions

    bastion_portal_sessions.install()
except Exception as error:  # an incompatible moto: run it without sessions, and say so
    print(f"bastion-portal sandbox: no session API ({error!r})", file=sys.stderr)

try:
    import bastion_portal_cloudtrail

    bastion_portal_cloudtrail.install()
except Exception as error:  # an incompatible moto: run it without event history, and say so
    print(f"bastion-portal sandbox: no CloudTrail LookupEvents ({error!r})", file=sys.stderr)

try:
    import bastion_portal_kms

    bastion_portal_kms.install()
except Exception as error:  # an incompatible moto: run it without digest signing, and say so
    print(f"bastion-portal sandbox: no KMS Sign of digests ({error!r})", file=sys.stderr)

try:
    import bastion_portal_s3

    bastion_portal_s3.install()
except Exception as error:  # an incompatible moto: run it as it is, and say so
    print(f"bastion-portal sandbox: ListObjectVersions KeyMarker not adjusted ({error!r})", file=sys.stderr)

try:
    import bastion_portal_iam

    bastion_portal_iam.install()
except Exception as error:  # an incompatible moto: run it without user boundaries, and say so
    print(f"bastion-portal sandbox: no IAM user permissions boundaries ({error!r})", file=sys.stderr)
