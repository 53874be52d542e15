#!/usr/bin/env python3
"""junit.py RHC SRCDIR: `rhc verify --format junit` is well-formed XML (read by
xml.etree) with one testcase per check of the JSON report, in order: FAIL as
<failure message=...>, SKIP as <skipped message=...>, the counts in both
suite elements, and the exit status of the text and JSON formats. File names
with XML metacharacters, a control byte and a byte that is not UTF-8 must
not break the document."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

rhc, src = os.path.abspath(sys.argv[1]), sys.argv[2]


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def verify(out, fmt, env):
    r = subprocess.run([rhc, "verify", out, "--format", fmt], capture_output=True, env=env)
    return r.returncode, r.stdout


def compare(out, env, want_rc, what):
    rcs = {}
    reports = {}
    for fmt in ("text", "json", "junit"):
        rcs[fmt], reports[fmt] = verify(out, fmt, env)
    if set(rcs.values()) != {want_rc}:
        fail("%s: exit statuses %r, expected %d for every format" % (what, rcs, want_rc))
    # the JSON report copies a file name's bytes as they are, so a name that
    # is not UTF-8 makes it invalid UTF-8 there (escape_json_string)
    j = json.loads(reports["json"].decode("utf-8", "replace"))
    root = ET.fromstring(reports["junit"])
    if root.tag != "testsuites" or len(root) != 1 or root[0].tag != "testsuite":
        fail("%s: not <testsuites><testsuite>" % what)
    cases = root.findall("./testsuite/testcase")
    if len(cases) != len(j["checks"]):
        fail("%s: %d testcases for %d checks" % (what, len(cases), len(j["checks"])))
    for el in (root, root[0]):
        counts = (int(el.get("tests")), int(el.get("failures")), int(el.get("skipped")))
        if counts != (len(j["checks"]), j["failed"], j["skipped"]):
            fail("%s: %s counts %r, JSON %r" % (what, el.tag, counts, (len(j["checks"]), j["failed"], j["skipped"])))
    for case, check in zip(cases, j["checks"]):
        if case.get("classname") != "rhc.verify." + check["check"]:
            fail("%s: classname %r for check %r" % (what, case.get("classname"), check["check"]))
        failure, skipped = case.find("failure"), case.find("skipped")
        status = "FAIL" if failure is not None else "SKIP" if skipped is not None else "PASS"
        if status != check["status"]:
            fail("%s: testcase %r is %s, JSON says %s" % (what, case.get("name"), status, check["status"]))
        el = failure if failure is not None else skipped
        if el is not None and el.get("message") != check["message"]:
            fail("%s: message %r, JSON %r" % (what, el.get("message"), check["message"]))
        if failure is not None and not failure.text.startswith(check["message"]):
            fail("%s: failure text %r" % (what, failure.text))
    return j, cases


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "out")
    subprocess.run([rhc, "build", os.path.join(src, "examples", "rancher-ha.yml"), "-o", out],
                   check=True, capture_output=True)
    # only bash on PATH: the real-tool checks are SKIPs
    pbin = os.path.join(tmp, "bin")
    os.mkdir(pbin)
    os.symlink(shutil.which("bash"), os.path.join(pbin, "bash"))
    env = dict(os.environ, PATH=pbin)
    j, _ = compare(out, env, 0, "clean")
    if j["skipped"] == 0 or j["passed"] == 0:
        fail("the clean run has no SKIP or no PASS: the test proves less than it says")

    for name in (b"a<&\">b'", b"bad\x01name", b"caf\xe9", b"tab\there"):
        open(os.path.join(out.encode(), name), "w").close()
    with open(os.path.join(out, "spec.json"), "r+") as f:
        text = f.read().replace('"maxFails": 3', '"maxFails": "x"')
        f.seek(0)
        f.write(text)
        f.truncate()
    j, cases = compare(out, env, 1, "defects")
    if j["failed"] < 6:
        fail("expected the 4 unlisted files, the changed spec.json and its parse error to fail")
    names = [c.get("name") for c in cases]
    for want in ("a<&\">b': not listed in MANIFEST", "bad\\x01name: not listed in MANIFEST",
                 "caf\\xe9: not listed in MANIFEST", "tab\there: not listed in MANIFEST"):
        if want not in names:
            fail("no testcase named %r in %r" % (want, names))
    parse = [c for c in cases if c.get("classname") == "rhc.verify.parse" and c.find("failure") is not None]
    if not parse or "^" not in parse[0].find("failure").text:
        fail("the spec.json failure does not carry its source line and caret")
print("ok: junit matches the JSON report")
