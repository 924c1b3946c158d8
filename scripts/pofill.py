"""Fill msgstr in a .po from JSON dictionaries {"English msgid": "Indonesian"}; report what is missing.

Usage: scripts/pofill.py locale/id/LC_MESSAGES/django.po locale/id.json locale/id-*.json
"""

import json
import re
import sys

po_path, dict_paths = sys.argv[1], sys.argv[2:]
tr = {}
for dict_path in dict_paths:
    tr.update(json.load(open(dict_path, encoding="utf-8")))
text = open(po_path).read()
blocks = text.split("\n\n")
missing = []
out = []
for b in blocks:
    m = re.search(r'^msgid ((?:".*"\n?)+)', b, re.M)
    if not m or 'msgid ""\nmsgstr ""\n"Project' in b:
        out.append(b)
        continue
    msgid = json.loads('"' + "".join(re.findall(r'"(.*)"', m.group(1))) + '"')
    if "msgid_plural" in b:
        if msgid in tr:
            vals = tr[msgid] if isinstance(tr[msgid], list) else [tr[msgid]]
            # The whole msgstr[0], continuation lines included: makemessages wraps a long one over several
            # lines, and replacing only the first line repeated the sentence once per `make messages`.
            b = re.sub(
                r'^msgstr\[0\] ".*"(?:\n".*")*',
                lambda _m, first=vals[0]: "msgstr[0] " + json.dumps(first, ensure_ascii=False),
                b,
                flags=re.M,
            )
        elif not re.search(r'msgstr\[0\] ".+"', b):
            missing.append(msgid)
        b = b.replace("#, fuzzy\n", "")
        out.append(b)
        continue
    has = re.search(r'^msgstr ((?:".*"\n?)+)', b, re.M)
    cur = "".join(re.findall(r'"(.*)"', has.group(1))) if has else ""
    if msgid in tr:
        # A filled entry is no longer a guess: drop makemessages' fuzzy flag and its "#|" previous msgid.
        b = re.sub(r"^#, fuzzy\n", "", b, flags=re.M)
        b = re.sub(r"^(#,.*?)fuzzy, ", r"\1", b, flags=re.M)
        b = re.sub(r"^#\| .*\n", "", b, flags=re.M)
        has = re.search(r'^msgstr ((?:".*"\n?)+)', b, re.M)
        end = "\n" if has.group(1).endswith("\n") else ""
        b = b[: has.start()] + "msgstr " + json.dumps(tr[msgid], ensure_ascii=False) + end + b[has.end() :]
    elif not cur:
        missing.append(msgid)
    out.append(b)
open(po_path, "w").write("\n\n".join(out))
print("missing:", json.dumps(missing, ensure_ascii=False, indent=0))
