#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/: tests/fuzz/corpus/<harness>/seed-<name>.

Seeds are realistic messages (hello, rpc-reply with data/ok/rpc-error, chunked framing, RESTCONF
error bodies, YANG library documents...) and the hostile ones of issue 11 (#-1, #0, #4294967296,
deep nesting, DOCTYPE...). Files named regress-* in the same folders are inputs that once crashed a
harness: this script never touches them. Several harnesses take their first bytes as choices (see
each harness's comment); the seeds here carry them.

Usage: python3 tests/fuzz/make-corpus.py   (rewrites every seed-* file; idempotent)
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
EX = "urn:devconf:example"
YL = "urn:ietf:params:xml:ns:yang:ietf-yang-library"
EOM = b"]]>]]>"


def b(s):
    return s.encode() if isinstance(s, str) else s


def chunked(msg, sizes=None):
    """RFC 6242 chunked framing of msg, in chunks of the given sizes (one chunk by default)."""
    msg = b(msg)
    out, i = b"", 0
    for n in sizes or [len(msg)]:
        out += b"\n#%d\n" % n + msg[i:i + n]
        i += n
    if i < len(msg):
        out += b"\n#%d\n" % (len(msg) - i) + msg[i:]
    return out + b"\n##\n"


def hello(caps=None, sid="4"):
    caps = caps or ["urn:ietf:params:netconf:base:1.0", "urn:ietf:params:netconf:base:1.1"]
    c = "".join("<capability>%s</capability>" % x for x in caps)
    return ('<?xml version="1.0" encoding="UTF-8"?><hello xmlns="%s"><capabilities>%s</capabilities>'
            "<session-id>%s</session-id></hello>" % (NC, c, sid))


def reply(mid, body, extra=""):
    return '<rpc-reply xmlns="%s" message-id="%s"%s>%s</rpc-reply>' % (NC, mid, extra, body)


DATA = ('<data><settings xmlns="%s"><hostname>r1</hostname><mtu>1500</mtu></settings>'
        '<items xmlns="%s"><item><name>a b</name><value>3</value></item></items></data>' % (EX, EX))
DATA_PREFIXED = ('<nc:rpc-reply xmlns:nc="%s" xmlns:ex="%s" message-id="2"><nc:data>'
                 "<ex:settings><ex:hostname>r1</ex:hostname></ex:settings><!-- c --><?pi x?>"
                 "<ex:items><ex:item><ex:name><![CDATA[<x>]]></ex:name></ex:item></ex:items>"
                 "</nc:data></nc:rpc-reply>" % (NC, EX))
RPC_ERROR = reply(1, "<rpc-error><error-type>application</error-type><error-tag>invalid-value</error-tag>"
                     "<error-severity>error</error-severity><error-app-tag>too-big</error-app-tag>"
                     "<error-path>/ex:settings/ex:mtu</error-path>"
                     '<error-message xml:lang="en">MTU out of range</error-message>'
                     "<error-info><bad-element>mtu</bad-element></error-info></rpc-error>"
                     "<rpc-error><error-type>protocol</error-type><error-tag>lock-denied</error-tag>"
                     "<error-severity>warning</error-severity><error-info><session-id>7</session-id>"
                     "</error-info></rpc-error>")
NOTIF = ('<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>'
         "2026-01-01T00:00:00Z</eventTime><netconf-config-change xmlns="
         '"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"/></notification>')
DEEP = "<rpc-reply xmlns='%s' message-id='1'><data>%s%s</data></rpc-reply>" % (NC, "<a>" * 1001, "</a>" * 1001)
DOCTYPE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
           + reply(1, "<data>&b;</data>"))

YL_8525 = ('<yang-library xmlns="%s" xmlns:ds="urn:ietf:params:xml:ns:yang:ietf-datastores">'
           "<module-set><name>all</name>"
           "<module><name>ietf-interfaces</name><revision>2018-02-20</revision>"
           "<namespace>urn:ietf:params:xml:ns:yang:ietf-interfaces</namespace>"
           "<location>https://device.example/yang/ietf-interfaces@2018-02-20.yang</location>"
           "<feature>if-mib</feature><deviation>vendor-dev</deviation></module>"
           "<module><name>vendor</name><namespace>urn:vendor</namespace><submodule><name>vendor-sub</name>"
           "<revision>2021-03-04</revision></submodule></module>"
           "<import-only-module><name>ietf-yang-types</name><revision>2013-07-15</revision>"
           "<namespace>urn:ietf:params:xml:ns:yang:ietf-yang-types</namespace></import-only-module>"
           "</module-set><schema><name>s</name><module-set>all</module-set></schema>"
           "<datastore><name>ds:running</name><schema>s</schema></datastore>"
           "<content-id>42</content-id></yang-library>" % YL)
YL_7895 = ('<modules-state xmlns="%s"><module-set-id>abc</module-set-id>'
           "<module><name>devconf-example</name><revision>2026-11-22</revision>"
           "<schema>https://device.example/yang/devconf-example.yang</schema>"
           "<namespace>urn:devconf:example</namespace><conformance-type>implement</conformance-type>"
           "<feature>f</feature><deviation><name>d</name><revision>2020-01-01</revision></deviation></module>"
           "<module><name>ietf-inet-types</name><revision>2013-07-15</revision>"
           "<namespace>urn:ietf:params:xml:ns:yang:ietf-inet-types</namespace>"
           "<conformance-type>import</conformance-type></module></modules-state>" % YL)
YL_8525_JSON = json.dumps({"ietf-yang-library:yang-library": {
    "module-set": [{"name": "all", "module": [
        {"name": "ietf-interfaces", "revision": "2018-02-20",
         "namespace": "urn:ietf:params:xml:ns:yang:ietf-interfaces", "feature": ["if-mib"]},
        {"name": "devconf-example", "revision": "2026-11-22", "namespace": EX,
         "location": ["/yang/devconf-example"]}],
        "import-only-module": [{"name": "ietf-yang-types", "revision": "2013-07-15",
                                "namespace": "urn:ietf:params:xml:ns:yang:ietf-yang-types"}]}],
    "content-id": "7"}})
YL_7895_JSON = json.dumps({"ietf-yang-library:modules-state": {"module-set-id": "x", "module": [
    {"name": "devconf-example", "revision": "2026-11-22", "namespace": EX, "conformance-type": "implement",
     "deviation": [{"name": "d", "revision": "2020-01-01"}]}]}})

RC_ERRORS_JSON = json.dumps({"ietf-restconf:errors": {"error": [
    {"error-type": "application", "error-tag": "invalid-value", "error-path": "/devconf-example:settings/mtu",
     "error-message": "MTU out of range", "error-info": {"bad-value": 9999, "min": [68]}},
    {"error-type": "protocol", "error-tag": "lock-denied", "error-app-tag": "x"}]}})
RC_ERROR_ONE = '{"ietf-restconf:errors":{"error":{"error-type":"rpc","error-tag":"access-denied"}}}'
RC_PATCH = json.dumps({"ietf-yang-patch:yang-patch-status": {
    "patch-id": "p1", "edit-status": {"edit": [
        {"edit-id": "e1", "errors": {"error": [{"error-type": "application", "error-tag": "data-exists",
                                                 "error-path": "/devconf-example:items/item[name='a']"}]}},
        {"edit-id": "e2", "ok": [None]}]},
    "errors": {"error": [{"error-type": "protocol", "error-tag": "operation-failed"}]}}})
RC_ERRORS_XML = ('<errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf"><error><error-type>protocol'
                 "</error-type><error-tag>lock-denied</error-tag><error-message>Locked by session 7"
                 "</error-message><error-info><session-id>7</session-id></error-info></error>"
                 "<error><error-type>application</error-type><error-tag>invalid-value</error-tag>"
                 "</error></errors>")
RC_HOSTILE_TEXT = ('{"ietf-restconf:errors":{"error":[{"error-type":"application","error-tag":"x\\u001b[31m",'
                   '"error-message":"\\u009b2J\\u0007bell \xc2\x9b csi \xff\xfe not utf-8"}]}}')


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(b(data))


def framing():
    EOM_CFG, CH_CFG = b"\x0e", b"\x0f"    # unbounded; bit 0: chunked
    one = b"\x00\x01"                      # piece sizes from the generator
    whole = b"\x03\x00"
    write("framing", "eom-hello-reply", EOM_CFG + one + b(hello()) + EOM + b(reply(1, "<ok/>")) + EOM)
    write("framing", "eom-split-delimiter", EOM_CFG + b"\x00\x07" + b"<a>]]>]]]>]]>" + EOM + b"]]>]]" + EOM)
    write("framing", "eom-too-big", b"\x04" + one + b(reply(1, DATA)) + EOM + b"<ok/>" + EOM)
    write("framing", "chunked-reply", CH_CFG + one + chunked(reply(1, DATA), [5, 1, 30]) + chunked(reply(2, "<ok/>")))
    write("framing", "chunked-too-big", b"\x09" + whole + chunked(reply(1, DATA), [10, 200]) + chunked("<ok/>"))
    write("framing", "chunked-max-size", CH_CFG + whole + b"\n#4294967295\n<rpc-reply/>")
    for name, hdr in [("minus-one", b"\n#-1\n"), ("zero", b"\n#0\n"), ("above-max", b"\n#4294967296\n"),
                      ("leading-zero", b"\n#01\n"), ("end-first", b"\n##\n"), ("no-newline", b"\n#12"),
                      ("eleven-digits", b"\n#10000000000\n"), ("space", b"\n# 4\n")]:
        write("framing", "chunked-hostile-" + name, CH_CFG + one + chunked("<ok/>")[:-4] + hdr + b"abcd\n##\n")


def envelope():
    write("envelope", "hello", hello())
    write("envelope", "reply-ok", reply(1, "<ok/>"))
    write("envelope", "reply-data", reply(12, DATA, ' xmlns:ex="%s"' % EX))
    write("envelope", "reply-data-prefixed", DATA_PREFIXED)
    write("envelope", "reply-data-empty", reply(3, "<data/>"))
    write("envelope", "reply-rpc-error", RPC_ERROR)
    write("envelope", "reply-output", reply(4, '<previous xmlns="%s">3</previous><current xmlns="%s">0</current>'
                                           % (EX, EX)))
    write("envelope", "notification", NOTIF)
    write("envelope", "bom-decl", "\ufeff<?xml version='1.0'?>\n" + reply(5, "<ok/>") + "\n")
    write("envelope", "msgid-bad", reply("1 or 1=1", "<ok/>"))
    write("envelope", "hostile-doctype", DOCTYPE)
    write("envelope", "hostile-deep", DEEP)
    write("envelope", "hostile-unbalanced", '<rpc-reply xmlns="%s"><data><a></b></data></rpc-reply>' % NC)
    write("envelope", "hostile-two-roots", reply(1, "<ok/>") + reply(2, "<ok/>"))
    write("envelope", "hostile-lt-in-attr", '<rpc-reply message-id="<1>"/>')


def nc_session():
    h10 = b(hello(["urn:ietf:params:netconf:base:1.0",
                   "urn:ietf:params:xml:ns:yang:ietf-interfaces?module=ietf-interfaces&revision=2018-02-20"]))
    h11 = b(hello())
    cfg = b"\x03"  # 256 MB bound
    one = b"\x00\x01"
    eom = lambda *msgs: b"".join(b(m) + EOM for m in msgs)
    write("nc_session", "base10-replies", cfg + one + eom(h10, reply(1, DATA), reply(2, DATA_PREFIXED.replace(
        'message-id="2"', 'message-id="2"')), RPC_ERROR.replace('message-id="1"', 'message-id="3"'),
        reply(4, "<ok/>")))
    write("nc_session", "base11-chunked", cfg + one + eom(h11) + chunked(reply(1, DATA), [7, 100])
          + chunked(NOTIF) + chunked(reply(2, "<data>text &lt;x&gt;</data>")) + chunked(reply(3, "<ok/>"))
          + chunked(reply(4, "<ok/>")))
    write("nc_session", "late-reply-then-reply", cfg + one + eom(h10, reply(0, "<ok/>"), reply(1, "<data/>"),
                                                                   reply(9, "<ok/>")))
    write("nc_session", "hostile-chunk-minus-one", cfg + one + eom(h11) + b"\n#-1\n" + b"A" * 64)
    write("nc_session", "hostile-chunk-zero", cfg + one + eom(h11) + b"\n#0\n\n##\n")
    write("nc_session", "hostile-chunk-huge", cfg + one + eom(h11) + b"\n#4294967296\n")
    write("nc_session", "too-big-reply", b"\x00" + one + eom(h10, reply(1, DATA), reply(2, "<ok/>")))
    write("nc_session", "no-base-capability", cfg + one + eom(hello(["urn:x"])))
    write("nc_session", "no-session-id", cfg + one + eom(hello(sid="0")))
    write("nc_session", "garbage", cfg + one + b"SSH-2.0-not netconf\r\n" + EOM)
    write("nc_session", "doctype-hello", cfg + one + eom(DOCTYPE))


def uri():
    for i, u in enumerate(["netconf://admin@192.0.2.1", "netconf+ssh://admin@[2001:db8::1]:2830",
                           "restconf://device.example:8443/restconf", "restconf+http://10.0.0.1:8080/",
                           "netconf+tls://r1.example", "netconf://admin:secret@host", "netconf://a%40b@host",
                           "restconf://host/restconf?x=1#frag", "netconf://host:65536", "ftp://host",
                           "netconf://[::1", "netconf://@host", "netconf://us%00er@host"]):
        write("uri", "%02d" % i, u)


def json_():
    for name, t in [("errors", RC_ERRORS_JSON), ("patch-status", RC_PATCH),
                    ("root", '{"ietf-restconf:restconf":{"data":{},"operations":{},'
                             '"yang-library-version":"2019-01-04"}}'),
                    ("capabilities", '{"ietf-restconf-monitoring:capabilities":{"capability":['
                                     '"urn:ietf:params:restconf:capability:depth:1.0",'
                                     '"urn:ietf:params:restconf:capability:with-defaults:1.0"]}}'),
                    ("scalars", '[true,false,null,-1.5e+10,0,"\\u00e9\\ud83d\\ude00\\n\\"\\\\\\/",""]'),
                    ("deep-64", "[" * 64 + "]" * 64), ("deep-65", "[" * 65 + "]" * 65),
                    ("bad-escape", '"\\x"'), ("lone-surrogate", '"\\ud800x"'), ("nul-escape", '"\\u0000"')]:
        write("json", name, b"\x00" + b(t))
    write("json", "capped-array", b"\x02" + b("[1,[2,3,4],{\"a\":[5,6,7]},8,9]"))


def restconf_errors():
    for name, st, t in [("json-400", 0, RC_ERRORS_JSON), ("json-one-401", 1, RC_ERROR_ONE),
                        ("patch-409", 4, RC_PATCH), ("xml-409", 4, RC_ERRORS_XML),
                        ("html-500", 6, "<html><body>Internal error</body></html>"),
                        ("text-503", 7, "Service Unavailable\r\n\x1b[2J"),
                        ("hostile-text", 0, RC_HOSTILE_TEXT),
                        ("many-errors", 0, '{"ietf-restconf:errors":{"error":[' +
                         ",".join(['{"error-tag":"x"}'] * 1100) + "]}}")]:
        write("restconf_errors", name, bytes([st, 1]) + b(t))
    write("restconf_errors", "xml-no-context", b"\x00\x00" + b(RC_ERRORS_XML))


def paths():
    for i, (cfg, t) in enumerate([
            (0, "/restconf"), (0, "https://device.example/restconf/"), (4, "https://device.example:8443/restconf"),
            (1, "http://device.example/restconf"), (6, "https://[::1]:8443/yang/m@2020-01-01.yang?x=1"),
            (8, "/yang/m?rev=2020-01-01"), (0, "https://127.0.0.1:8443@localhost:9/restconf"),
            (0, "//evil.example/restconf"), (0, "/restconf/%2e%2e/x"), (0, "/restconf/./x"), (0, "/a#frag"),
            (0, "https://user@device.example/restconf"), (0, "HTTPS://DEVICE.EXAMPLE:443/x"),
            (0, "/devconf-example:items/item[name='a b']/value"), (0, "/devconf-example:settings/hostname"),
            (0, "/devconf-example:items/item[name=\"x/y,z\"]"), (0, "/devconf-example:items/item"),
            (0, "/devconf-example:items/item[value='1']"), (0, "/a:b[c='d']/e[f='g'][h='i']"),
            (0, "/restconf/data/a%0a"), (0, "javascript:alert(1)")]):
        write("paths", "%02d" % i, bytes([cfg]) + b(t))


def rc_resource():
    data_json = json.dumps({"ietf-restconf:data": {"devconf-example:settings": {"hostname": "r1", "mtu": 1500},
                                                   "devconf-example:items": {"item": [{"name": "a b", "value": 3}]}}})
    for name, cfg, t in [
            ("json-data", 1, data_json), ("json-no-type", 0, data_json),
            ("xml-data", 2, '<data xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf">' + DATA[6:-7] + "</data>"),
            ("xml-empty", 2, "<data/>"), ("xml-data-slash", 2, "<data>/>"),
            ("json-settings-filter", 1 | 4, '{"devconf-example:settings":{"hostname":"r2"}}'),
            ("xml-item-filter", 2 | 8, '<item xmlns="%s"><name>a b</name><value>1</value></item>' % EX),
            ("json-description-partial", 1 | 12 | 16, '{"devconf-example:description":"x"}'),
            ("json-unknown", 1, '{"ietf-restconf:data":{"other:thing":1}}'),
            ("json-deep", 1, '{"ietf-restconf:data":' + "[" * 300 + "]" * 300 + "}"),
            ("xml-deep", 2, "<data>" + "<a>" * 300 + "</a>" * 300 + "</data>"),
            ("not-utf8", 1, b'{"ietf-restconf:data":{"devconf-example:settings":{"hostname":"\xff"}}}'),
            ("nul", 2, b"<data>\x00</data>"), ("html", 3, "<html>error</html>")]:
        write("rc_resource", name, bytes([cfg]) + b(t))


def unwrap():
    for name, cfg, t in [
            ("config", 0, '<config><settings xmlns="%s"><mtu>1400</mtu></settings></config>' % EX),
            ("config-nc-prefix", 0, '<?xml version="1.0"?>\n<nc:config xmlns:nc="%s" xmlns:ex="%s">'
                                    '<ex:settings nc:operation="replace"><ex:hostname>h</ex:hostname>'
                                    "</ex:settings><!-- x --><ex:items/></nc:config>\n" % (NC, EX)),
            ("config-empty", 0, "<config/>"), ("config-empty-pair", 0, "<config>  </config>"),
            ("config-slash-gt", 0, "<config>/>"), ("data-slash-gt", 1, "<data>/>"),
            ("data", 1, DATA), ("json", 4, '{"devconf-example:settings":{"mtu":1400}}'),
            ("json-empty", 4, "{}"), ("bare", 2, '<settings xmlns="%s"/>' % EX),
            ("quoted-gt", 0, "<config a='>'><settings xmlns='%s'/></config>" % EX)]:
        write("unwrap", name, bytes([cfg]) + b(t))


def yang_library():
    write("yang_library", "rfc8525-xml", b"\x00" + b(YL_8525))
    write("yang_library", "rfc7895-xml", b"\x00" + b(YL_7895))
    write("yang_library", "rfc8525-json", b"\x01" + b(YL_8525_JSON))
    write("yang_library", "rfc7895-json", b"\x01" + b(YL_7895_JSON))
    write("yang_library", "both-xml", b"\x00" + b(YL_7895 + YL_8525))
    write("yang_library", "bad-name", b"\x00" + b(YL_7895.replace("devconf-example", "../../etc")))
    write("yang_library", "doctype", b"\x00" + b('<!DOCTYPE x [<!ENTITY e "e">]>' + YL_7895))


def hello_caps():
    write("hello_caps", "netconfd", "\n".join([
        "urn:ietf:params:netconf:base:1.0", "urn:ietf:params:netconf:base:1.1",
        "urn:ietf:params:netconf:capability:candidate:1.0", "urn:ietf:params:netconf:capability:confirmed-commit:1.1",
        "urn:ietf:params:netconf:capability:validate:1.1", "urn:ietf:params:netconf:capability:url:1.0?scheme=file",
        "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring?module=ietf-netconf-monitoring&revision=2010-10-04",
        "urn:ietf:params:xml:ns:netconf:base:1.0?module=ietf-netconf&revision=2011-06-01&features=candidate,"
        "confirmed-commit,validate,url",
        "http://netconfcentral.org/ns/yuma-proc?module=yuma-proc&revision=2012-10-10",
        "urn:x?revision=2020-01-01&module=x&deviations=x-dev,y-dev&features=f1,f2"]))
    write("hello_caps", "hostile", "\n".join([
        "urn:x?module=../../etc/passwd", "urn:y?module=y&revision=2020-13-99",
        "urn:z?module=z&features=a,,b&deviations=", "features=f?module=m", "?module=",
        "urn:w?module=" + "w" * 300]))


def device_record():
    h = lambda c: c * 64
    write("device_record", "valid", "devconf-device-record 1\nannounce %s\nkey %s\n"
          "mod ietf-interfaces 2018-02-20 i %s if-mib vendor-dev\nmod vendor-sub - s %s - -\n"
          "mod ietf-yang-types 2013-07-15 m %s - -\n" % (h("a"), h("b"), h("c"), h("d"), h("e")))
    write("device_record", "path-name", "devconf-device-record 1\nannounce %s\nkey %s\nmod ../../x - i %s - -\n"
          % (h("a"), h("b"), h("c")))
    write("device_record", "bad-magic", "devconf-device-record 2\nannounce %s\n" % h("a"))
    write("device_record", "nul", b"devconf-device-record 1\x00\nannounce x\n")


EV = "urn:devconf:test-events"
NOTIF_ALARM = ('<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>'
               '2026-12-01T10:00:00Z</eventTime><alarm xmlns="%s"><severity>major</severity>'
               "<resource>eth0</resource><text>link down</text></alarm></notification>" % EV)
NOTIF_JSON = ('{"ietf-restconf:notification":{"eventTime":"2026-12-01T10:00:00Z",'
              '"devconf-test-events:alarm":{"severity":"critical","resource":"eth0","text":"link down"}}}')
SSE_SMALL = b"\x40"  # bound 64 bytes
SSE_BIG = b"\xff"    # bound 1 MiB


def sse():
    ev = "data: %s\n\n" % NOTIF_JSON
    write("sse", "one-event", SSE_BIG + b"\x01" + b(ev))
    write("sse", "two-events-crlf", SSE_BIG + b"\x07" + b("event: notification\r\nid: 1\r\ndata: <a>\r\n"
                                                        "data: </a>\r\n\r\n: keep-alive\r\n\r\nretry: 10\r\n"
                                                        "data:x\r\n\r\n"))
    write("sse", "bom-cr-only", SSE_BIG + b"\x02" + b"\xef\xbb\xbfdata: a\rdata\r\rdata: b\r\r")
    # piece seeds 0x11 and 0x32 cut the first write after 1 and 2 bytes: a BOM split between curl
    # writes (it was skipped only when the first write held all of it)
    write("sse", "bom-split", SSE_BIG + b"\x11" + b"\xef\xbb\xbfdata: x\n\n")
    write("sse", "bom-split-2", SSE_BIG + b"\x32" + b"\xef\xbb\xbfdata: x\n\n")
    write("sse", "partial-bom", SSE_BIG + b"\x11" + b"\xef\xbbdata: x\n\n")
    write("sse", "no-final-blank-line", SSE_BIG + b"\x00" + b"data: lost\n")
    write("sse", "over-long-line", SSE_SMALL + b"\x09" + b"data: " + b"A" * 200 + b"\n\n")
    write("sse", "over-long-event", SSE_SMALL + b"\x0b" + b"data: 0123456789\n" * 10 + b"\n")
    write("sse", "empty-data-lines", b"\x10" + b"\x0d" + b"data\n" * 40 + b"\n")
    write("sse", "nul-and-controls", SSE_BIG + b"\x11" + b"data: a\x00b\x1b[31m\n\ndata:\xff\xfe\n\n")
    write("sse", "zero-bound", b"\x00\x01" + b"data: x\n\n")


def rc_streams():
    js = {"ietf-restconf-monitoring:streams": {"stream": [
        {"name": "NETCONF", "description": "default", "replay-support": True,
         "replay-log-creation-time": "2026-12-01T00:00:00Z",
         "access": [{"encoding": "xml", "location": "https://device.example/streams/NETCONF"},
                    {"encoding": "json", "location": "https://device.example/streams/NETCONF-JSON"}]},
        {"name": "devconf-events", "access": [{"encoding": "json", "location": "/streams/ev"}]}]}}
    write("rc_streams", "json-netconf-xml", b"\x00" + b(json.dumps(js)))
    write("rc_streams", "json-netconf-json", b"\x04" + b(json.dumps(js)))
    write("rc_streams", "json-events", b"\x05" + b(json.dumps(js)))
    xml = ('<streams xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf-monitoring"><stream><name>NETCONF</name>'
           "<replay-support>true</replay-support><access><encoding>xml</encoding>"
           "<location>https://device.example/streams/NETCONF</location></access><access><encoding>json"
           "</encoding><location>https://device.example/streams/NETCONF-JSON</location></access></stream>"
           "</streams>")
    write("rc_streams", "xml-netconf", b"\x00" + b(xml))
    write("rc_streams", "xml-netconf-json", b"\x04" + b(xml))
    write("rc_streams", "json-string-replay", b"\x00" + b('{"ietf-restconf-monitoring:streams":{"stream":[{"name":'
                                                          '"NETCONF","replay-support":"true","access":[{"encoding":'
                                                          '"XML","location":"/s"}]}]}}'))
    write("rc_streams", "json-not-arrays", b"\x00" + b('{"ietf-restconf-monitoring:streams":{"stream":{"name":'
                                                       '"NETCONF","access":{"encoding":"xml"}}}}'))
    many = [{"encoding": "e%d" % i * 10, "location": "/x"} for i in range(200)]
    write("rc_streams", "json-many-encodings", b"\x00" + b(json.dumps(
        {"ietf-restconf-monitoring:streams": {"stream": [{"name": "NETCONF", "access": many}]}})))
    write("rc_streams", "xml-doctype", b"\x00" + b('<!DOCTYPE s [<!ENTITY e "NETCONF">]>' + xml.replace(
        "<name>NETCONF</name>", "<name>&e;</name>")))
    write("rc_streams", "xml-deep", b"\x00" + b("<streams>" + "<stream>" * 2000 + "</stream>" * 2000 + "</streams>"))
    write("rc_streams", "json-deep", b"\x00" + b("[" * 5000 + "]" * 5000))
    write("rc_streams", "empty-name", b"\x02" + b('{"ietf-restconf-monitoring:streams":{"stream":[{"name":""}]}}'))


def notification():
    write("notification", "xml-alarm", b"\x00" + b(NOTIF_ALARM))
    write("notification", "xml-alarm-as-json", b"\x02" + b(NOTIF_ALARM))
    write("notification", "json-alarm", b"\x01" + b(NOTIF_JSON))
    write("notification", "json-alarm-as-json", b"\x03" + b(NOTIF_JSON))
    write("notification", "xml-unknown", b"\x00" + b(NOTIF))
    write("notification", "xml-unknown-json-format", b"\x02" + b(NOTIF))
    write("notification", "xml-complete", b"\x00" + b(
        '<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>2026-12-01T10:00:00Z'
        '</eventTime><notificationComplete xmlns="urn:ietf:params:xml:ns:netmod:notification"/></notification>'))
    write("notification", "xml-no-event-time", b"\x00" + b(NOTIF_ALARM.replace(
        "<eventTime>2026-12-01T10:00:00Z</eventTime>", "")))
    write("notification", "xml-bad-enum", b"\x00" + b(NOTIF_ALARM.replace("major", "fatal")))
    write("notification", "xml-two-events", b"\x00" + b(NOTIF_ALARM.replace(
        "</notification>", '<restarted xmlns="%s"/></notification>' % EV)))
    write("notification", "xml-doctype", b"\x00" + b('<!DOCTYPE n [<!ENTITY e "x">]>' + NOTIF_ALARM.replace(
        "eth0", "&e;")))
    write("notification", "xml-deep", b"\x00" + b(NOTIF.replace("/></notification>", ">" + "<a>" * 1001 +
                                                                 "</a>" * 1001 + "</netconf-config-change>"
                                                                 "</notification>")))
    write("notification", "json-unknown", b"\x01" + b('{"ietf-restconf:notification":{"eventTime":"2026-12-01T10:00'
                                                      ':00Z","vendor-x:boom":{"a":1}}}'))
    write("notification", "json-bad-member", b"\x01" + b('{"ietf-restconf:notification":{"eventTime":"t",'
                                                         '"a\\"b:c\\n":{}}}'))
    write("notification", "json-no-time", b"\x01" + b('{"ietf-restconf:notification":{"devconf-test-events:'
                                                      'restarted":{}}}'))
    write("notification", "json-member-not-object", b"\x03" + b('{"ietf-restconf:notification":{"eventTime":'
                                                                '"2026-12-01T10:00:00Z","devconf-test-events:'
                                                                'restarted":[1,2]}}'))
    write("notification", "json-deep", b"\x01" + b('{"ietf-restconf:notification":{"eventTime":"t","m:n":' +
                                                   "[" * 5000 + "]" * 5000 + "}}"))
    write("notification", "json-controls", b"\x01" + b('{"ietf-restconf:notification":{"eventTime":"\\u001b[2J",'
                                                       '"devconf-test-events:restarted":{"reason":"\\u0000x"}}}'))
    write("notification", "empty", b"\x00")


SN = "urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications"


def nc_notify():
    env = ('<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>2026-12-01T10:00:00Z'
           "</eventTime>%s</notification>")
    write("nc_notify", "sn-completed", b"\x00" + b(env % ('<subscription-completed xmlns="%s"><id>7</id>'
                                                           "</subscription-completed>" % SN)))
    write("nc_notify", "sn-terminated", b"\x00" + b(env % ('<subscription-terminated xmlns="%s"><id>4294967295</id>'
                                                            "<reason>sn:suspension-timeout</reason>"
                                                            "</subscription-terminated>" % SN)))
    write("nc_notify", "sn-replay-completed", b"\x00" + b(env % ('<replay-completed xmlns="%s"><id>0</id>'
                                                                  "</replay-completed>" % SN)))
    write("nc_notify", "sn-id-too-big", b"\x00" + b(env % ('<subscription-terminated xmlns="%s"><id>4294967296'
                                                            "</id><reason>\xc2\x9b2J\x1b</reason>"
                                                            "</subscription-terminated>" % SN)))
    write("nc_notify", "sn-id-signs", b"\x00" + b(env % ('<subscription-modified xmlns="%s"><id>+7</id><id>-1</id>'
                                                          "</subscription-modified>" % SN)))
    write("nc_notify", "event", b"\x00" + b(NOTIF))
    write("nc_notify", "no-event", b"\x00" + b(env % ""))
    write("nc_notify", "doctype", b"\x00" + b(DOCTYPE))
    write("nc_notify", "deep", b"\x00" + b(env % ("<x>" * 1001 + "</x>" * 1001)))
    streams = ('<data><netconf xmlns="urn:ietf:params:xml:ns:netmod:notification"><streams><stream><name>NETCONF'
               "</name><description>default</description><replaySupport>true</replaySupport>"
               "<replayLogCreationTime>2026-12-01T00:00:00Z</replayLogCreationTime></stream><stream><name>"
               "devconf-events</name><replaySupport>false</replaySupport></stream></streams></netconf></data>")
    write("nc_notify", "streams-netconf", b"\x01" + b(streams))
    write("nc_notify", "streams-events", b"\x03" + b(streams))
    write("nc_notify", "streams-no-list", b"\x01" + b("<data/>"))
    write("nc_notify", "streams-two-roots", b"\x01" + b(streams.replace("<data>", "").replace("</data>", "") * 2))
    write("nc_notify", "streams-doctype", b"\x01" + b('<!DOCTYPE d [<!ENTITY t "true">]>' + streams.replace(
        ">true<", ">&t;<")))


if __name__ == "__main__":
    for f in (framing, envelope, nc_session, uri, json_, restconf_errors, paths, rc_resource, unwrap,
              yang_library, hello_caps, device_record, sse, rc_streams, notification,
              nc_notify):
        f()
    n = sum(len(files) for _, _, files in os.walk(CORPUS))
    print("make-corpus.py: %d files under %s" % (n, os.path.relpath(CORPUS)))
