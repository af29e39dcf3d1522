#!/bin/bash
# Records a session at a terminal size other than 80x24 and lays it out as the SSM agent does, for the corpus in
# ../transcripts (references in ../golden, made by @xterm/headless 6.0.0 at the real size; see README.md).
#
#   record.sh NAME COLS ROWS PRINCIPAL      e.g. record.sh top-120x40 120 40 alice
#
# NAME.in prints the keystrokes, with pauses, for a bash on a pty of COLS x ROWS (util-linux script). The agent then
# runs `script <id>.log -c "cat ipcTempFile.log"` with stdin and stdout on /dev/null; so does this, under the agent's
# path (run as root, in a scratch machine: it creates and removes /var/lib/amazon/ssm/i-0a1b2c3d4e5f60718).
set -euo pipefail
name=$1 cols=$2 rows=$3 principal=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "PS1='[ssm-user@ip-10-0-1-23 ~]\$ '" > "$work/rc"
HOME=$work TERM=xterm-256color bash "$here/$name.in" | script -q -c "stty cols $cols rows $rows; exec bash --rcfile $work/rc -i" "$work/session" > /dev/null 2>&1

id="$principal-$(printf '%s' "$name" | sha256sum | cut -c1-17)"
dir=/var/lib/amazon/ssm/i-0a1b2c3d4e5f60718/session/orchestration/$id
mkdir -p "$dir/Standard_Stream"
python3 - "$work/session" "$dir/Standard_Stream/ipcTempFile.log" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
body = data[data.find(b'\n') + 1:]
end = body.rfind(b'\nScript done on ')
open(sys.argv[2], 'wb').write(body[:end] if end >= 0 else body)
PY
(cd "$dir" && env -u SHELL script "$dir/$id.log" -c "cat $dir/Standard_Stream/ipcTempFile.log" < /dev/null > /dev/null 2>&1)
cp "$dir/$id.log" "$here/../transcripts/$id.log"
rm -rf /var/lib/amazon/ssm/i-0a1b2c3d4e5f60718
echo "$id"
