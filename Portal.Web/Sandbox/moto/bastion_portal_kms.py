"""KMS Sign with MessageType DIGEST for the sandbox's moto, which hashes every message again.

Installed by sitecustomize.py beside this file, so only the Python that runs the sandbox's (or the tests') moto_server
loads it. As AWS KMS documents Sign:

- MessageType RAW (the default): the message is at most 4096 bytes and KMS hashes it with the algorithm's hash.
- MessageType DIGEST: the message is already the digest (32 bytes for the SHA_256 algorithms) and is signed as it is.

Everything else (the key's checks, the signature's padding) is moto's own. moto's PSS signatures keep its maximum salt
length where KMS uses the digest's length; a verifier that accepts any salt length takes both.
"""

import base64
import json

_DIGEST_LENGTHS = {"SHA_256": 32, "SHA_384": 48, "SHA_512": 64}


def _digest_length(algorithm):
    for suffix, length in _DIGEST_LENGTHS.items():
        if algorithm and algorithm.endswith(suffix):
            return length
    return None


def install():
    from cryptography.hazmat.primitives.asymmetric import utils as asymmetric_utils
    from moto.kms.exceptions import ValidationException
    from moto.kms.responses import KmsResponse
    from moto.kms.utils import RSAPrivateKey

    original = KmsResponse.sign

    def sign(self):
        message_type = self._get_param("MessageType") or "RAW"
        message = self._get_param("Message") or b""  # moto decodes the base64
        algorithm = self._get_param("SigningAlgorithm")
        if message_type == "RAW":
            if len(message) > 4096:
                raise ValidationException(
                    "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096"
                )
            return original(self)
        if message_type != "DIGEST":
            raise ValidationException(f"1 validation error detected: Value '{message_type}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [DIGEST, RAW]")
        if len(message) != _digest_length(algorithm):
            raise ValidationException(f"Digest is invalid length for algorithm {algorithm}.")

        key_id = self._get_param("KeyId")
        self._validate_key_id(key_id)
        key = self.kms_backend.describe_key(key_id)
        if key.key_usage != "SIGN_VERIFY" or not isinstance(key.private_key, RSAPrivateKey):
            raise ValidationException(f"{key.arn} key usage is {key.key_usage} which is not valid for Sign.")
        if algorithm not in key.signing_algorithms:
            raise ValidationException(f"Signing algorithm {algorithm} is not valid for {key.arn}.")

        private = key.private_key
        pad, hash_algorithm = private._RSAPrivateKey__padding_and_hash_algorithm(algorithm)
        signature = private.private_key.sign(message, pad, asymmetric_utils.Prehashed(hash_algorithm))
        return json.dumps({"KeyId": key.arn, "Signature": base64.b64encode(signature).decode("ascii"), "SigningAlgorithm": algorithm})

    KmsResponse.sign = sign
