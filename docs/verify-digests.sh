#!/usr/bin/env bash
# Checks the Bastion Portal's signed digests of a log bucket, and every transcript version they list, without the
# portal: only the AWS CLI, openssl, sha256sum, jq and xxd. See docs/VERIFY.md.
#
#   docs/verify-digests.sh BUCKET [FIRST-DIGEST-KEY]
#
# Reads s3://BUCKET/portal-digests/ in key order (keys sort by the time each digest ends), from FIRST-DIGEST-KEY if
# given. For each digest: the signature in its metadata against the KMS key's public half (RSASSA-PSS, SHA-256, any
# salt length), its link to the digest before it (key and SHA-256) and that their intervals meet, then each
# transcript version it lists, fetched by version id and hashed. Prints a line per problem and a summary; exits 1
# when anything does not hold. Credentials, region and endpoint come from the usual AWS CLI settings.
set -euo pipefail

bucket=${1:?usage: verify-digests.sh BUCKET [FIRST-DIGEST-KEY]}
first=${2:-}
for tool in aws openssl sha256sum jq xxd base64; do
  command -v "$tool" >/dev/null || { echo "verify-digests.sh needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
problems=0
digests=0
objects=0
problem() { echo "PROBLEM $*"; problems=$((problems + 1)); }

list=(aws s3api list-objects-v2 --bucket "$bucket" --prefix portal-digests/ --query 'Contents[].Key' --output text)
[ -n "$first" ] && list+=(--start-after "$first")
keys=$("${list[@]}")
[ "$keys" = "None" ] && keys=""

previous_key=""
previous_sha=""
previous_end=""
for key in $keys; do
  case "$key" in *.json) ;; *) continue ;; esac
  digests=$((digests + 1))
  digest="$work/digest.json"
  aws s3api get-object --bucket "$bucket" --key "$key" "$digest" >"$work/head.json"

  # 1. The signature, with the signing key's public half from KMS.
  arn=$(jq -r '.keyArn' "$digest")
  pem="$work/key-$(printf '%s' "$arn" | sha256sum | cut -c1-16).pem"
  if [ ! -f "$pem" ]; then
    aws kms get-public-key --key-id "$arn" --query PublicKey --output text | base64 -d >"$work/key.der"
    openssl pkey -pubin -inform DER -in "$work/key.der" -out "$pem"
  fi
  jq -r '.Metadata.signature // ""' "$work/head.json" | xxd -r -p >"$work/digest.sig"
  if [ "$(jq -r '.Metadata["signature-algorithm"] // ""' "$work/head.json")" != "RSASSA_PSS_SHA_256" ]; then
    problem "$key: not signed with RSASSA_PSS_SHA_256"
  elif ! openssl dgst -sha256 -verify "$pem" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:auto \
      -signature "$work/digest.sig" "$digest" >/dev/null 2>&1; then
    problem "$key: the signature does not verify with $arn"
  fi

  # 2. The chain: the digest names the one before it, and their intervals meet.
  sha=$(sha256sum "$digest" | cut -d' ' -f1)
  named_key=$(jq -r '.previous.key // ""' "$digest")
  named_sha=$(jq -r '.previous.sha256 // ""' "$digest")
  start=$(jq -r '.intervalStart' "$digest")
  if [ -n "$previous_key" ]; then
    [ "$named_key" = "$previous_key" ] || problem "$key: names $named_key as the digest before it, but the bucket has $previous_key"
    [ "$named_sha" = "$previous_sha" ] || problem "$key: the digest before it, $previous_key, is not the one it chained to (SHA-256 $previous_sha, not $named_sha)"
    [ "$start" = "$previous_end" ] || problem "$key: nothing covers $previous_end to $start"
  elif [ -n "$named_key" ]; then
    echo "note: $key chains to $named_key, before the first digest checked"
  fi
  previous_key=$key
  previous_sha=$sha
  previous_end=$(jq -r '.intervalEnd' "$digest")

  # 3. Each transcript version it lists still has the bytes it had.
  while IFS=$'\t' read -r object version expected; do
    [ -n "$object" ] || continue
    objects=$((objects + 1))
    if ! aws s3api get-object --bucket "$bucket" --key "$object" --version-id "$version" "$work/object" >/dev/null 2>&1; then
      problem "$object ($version): listed in $key, gone from the bucket"
      continue
    fi
    actual=$(sha256sum "$work/object" | cut -d' ' -f1)
    [ "$actual" = "$expected" ] || problem "$object ($version): SHA-256 $actual, but $key says $expected"
  done < <(jq -r '.objects[] | [.key, .versionId, .sha256] | @tsv' "$digest")
done

echo "$digests digest(s), $objects transcript version(s), $problems problem(s)"
[ "$digests" -gt 0 ] && [ "$problems" -eq 0 ]
