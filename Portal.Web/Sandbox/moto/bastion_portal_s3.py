"""Three S3 matters for the sandbox's moto: ListObjectVersions with a KeyMarker alone, its cost, and dating seeded objects.

Installed by sitecustomize.py beside this file, so only the Python that runs the sandbox's (or the tests') moto_server
loads it. S3 lists the versions of the keys that sort after the KeyMarker. moto takes a lone KeyMarker for the last key
of a previous page and drops the first version at or after it, so a marker that is not a key (as the portal's digest
listing uses: "start after this time") loses the first key after it. Here a lone KeyMarker lists, as S3 does, every
version of every key after it; pages (MaxKeys, NextKeyMarker, NextVersionIdMarker) work as before.

moto's ListObjectVersions deep-copies every version of every key in the bucket on each call, content included (a
FakeKey's copy reads its whole value and writes it to a new temporary file), so listing one key's versions costs as much
as copying the bucket: a quarter of a second with a few 25 MB transcripts in it, more under load. S3 answers from its
index in milliseconds. Here the listing copies each version without its content (it reads only the metadata and marks
the copies latest or not); what it returns is unchanged.

The seeder's route `POST /moto-api/bastion-portal/objects/backdate` dates seeded transcripts at their sessions' end, as
the agent's upload would have been; it exists only here.
"""


def install():
    from moto.s3.models import S3Backend

    original = S3Backend.list_object_versions

    def list_object_versions(self, bucket_name, delimiter=None, key_marker=None, max_keys=1000, prefix="", version_id_marker=None):
        if not key_marker or version_id_marker:
            return original(self, bucket_name, delimiter=delimiter, key_marker=key_marker, max_keys=max_keys, prefix=prefix, version_id_marker=version_id_marker)

        versions, prefixes, markers, _, _ = original(self, bucket_name, delimiter=delimiter, key_marker=None, max_keys=None, prefix=prefix, version_id_marker=None)
        items = sorted(
            [item for item in versions + markers if item.name > key_marker],
            key=lambda item: (item.name, -item.last_modified.timestamp()),
        )
        prefixes = [p for p in prefixes if p > key_marker]
        next_key = next_version = None
        if max_keys is not None and len(items) > max_keys:
            items = items[:max_keys]
            next_key, next_version = items[-1].name, items[-1].version_id
        kept = {id(item) for item in items}
        return (
            [v for v in versions if id(v) in kept],
            prefixes,
            [m for m in markers if id(m) in kept],
            next_key,
            next_version,
        )

    S3Backend.list_object_versions = list_object_versions
    install_light_copies()
    install_routes()


def install_light_copies():
    import copy as std_copy

    from moto.s3 import models

    class LightCopies:
        """moto.s3.models' `copy`, but a list of keys copies each key's metadata and shares its content."""

        def __getattr__(self, name):
            return getattr(std_copy, name)

        @staticmethod
        def deepcopy(value, memo=None):
            if isinstance(value, list) and all(isinstance(item, (models.FakeKey, models.FakeDeleteMarker)) for item in value):
                return [_light(item) for item in value]
            return std_copy.deepcopy(value, memo)

    models.copy = LightCopies()


_TWINS = {}


def _light(item):
    """The item's metadata over the same content; the twin never closes that content (a key's __del__ does)."""
    kind = type(item)
    twin_type = _TWINS.get(kind)
    if twin_type is None:
        twin_type = _TWINS[kind] = type(kind.__name__, (kind,), {"__del__": lambda self: None, "dispose": lambda self, *args, **kwargs: None})
    twin = object.__new__(twin_type)
    twin.__dict__.update(item.__dict__)
    return twin


def backdate_objects(request, full_url, headers):
    """moto's ListObjectVersions deep-copies every version of every key in the bucket on each call, content included (a
FakeKey's copy reads its whole value and writes it to a new temporary file), so listing one key's versions costs as much
as copying the bucket: a quarter of a second with a few 25 MB transcripts in it, more under load. S3 answers from its
index in milliseconds. Here the listing copies each version without its content (it reads only the metadata and marks
the copies latest or not); what it returns is unchanged.

The seeder's route: dates the newest version of each key as the agent's upload at the session's end would be.

    The sandbox's transcripts are written when it starts, for sessions that ended hours or days before; S3 dates an
    object by its upload. JSON: account, bucket and objects, each with Key and LastModified (ISO 8601, UTC).
    """
    import datetime
    import json

    from moto.s3.models import s3_backends

    if request.method != "POST":
        return 405, {}, json.dumps({"Error": "POST objects to date them"})
    body = json.loads(request.get_data() or b"{}")
    bucket = s3_backends[body.get("account", "123456789012")]["aws"].get_bucket(body["bucket"])
    dated = 0
    for item in body.get("objects", []):
        versions = bucket.keys.getlist(item["Key"], [])
        if not versions:
            continue
        text = str(item["LastModified"]).replace("Z", "+00:00")
        at = datetime.datetime.fromisoformat(text).astimezone(datetime.timezone.utc).replace(tzinfo=None)
        versions[-1].last_modified = at
        dated += 1
    return 200, {"Content-Type": "application/json"}, json.dumps({"dated": dated})


def install_routes():
    from moto.moto_api._internal import urls

    urls.url_paths["{0}/moto-api/bastion-portal/objects/backdate"] = backdate_objects
