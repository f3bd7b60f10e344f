#!/usr/bin/python3
"""Upload through Prosody's mod_http_upload_external components with a real XMPP client (slixmpp)
and check every file by downloading it again from the URL Prosody handed out.

Run with Debian's /usr/bin/python3 (python3-slixmpp is installed there, not in pyenv).

For each component and each file name, two uploads are made:
  helper  slixmpp's own XEP-0363 helper (upload_file): disco, slot request, PUT with aiohttp.
          aiohttp (yarl) re-quotes the URL: upper-case escapes, like many real clients.
  urllib  slot requested with slixmpp, PUT with urllib on the exact URL Prosody returned
          (Prosody's lower-case escapes, sent unchanged, like Conversations).
Then for each upload: GET (bytes, Content-Type, Content-Length), HEAD, GET with the other escape
spelling, a second PUT to the same URL (must be 409) and a PUT with a wrong token (must be 403).

Prints one "PASS <case>" / "FAIL <case>: <why>" line per check; exit status 0 only if all pass.
"""

import argparse
import asyncio
import io
import logging
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

import slixmpp
from slixmpp import JID

# The file names of the brief. Prosody refuses only '/'; everything else goes into the URL.
FILES = [
    ("ascii", "hello-interop.txt"),
    ("unicode", "très cool ünïcode.txt"),
    ("plus-percent", "a+b c%20d 100%.jpg"),  # '+' must stay '+', '%20' must not be decoded twice
    # Extras: aiohttp sends ( ) ; = literally, and Tomcat treats a literal ';' as a path parameter.
    ("semicolon", "notes (v1);draft=2.txt"),
    ("hash-question", "what?#1 it's & done!.txt"),
]

results = []  # (ok, name, detail)


def record(ok, name, detail=""):
    results.append((ok, name, detail))
    print(("PASS " if ok else "FAIL ") + name + (": " + detail if detail else ""), flush=True)


def http(method, url, data=None, headers=None):
    """One request with urllib, which sends the URL exactly as given. Returns (status, headers, body)."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def respell(url):
    """The same URL with the percent-escapes of its path in the other case (lower <-> upper)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path
    if re.search(r"%[0-9a-f][0-9a-f]", path) and not re.search(r"%[0-9A-F]*[A-F][0-9A-F]*", path):
        path = re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), path)
    else:
        path = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), path)
    return urllib.parse.urlunsplit(parts._replace(path=path))


class StatusCatcher(logging.Handler):
    """slixmpp's upload_file only logs the PUT status ("Response code: %d (%s)"); catch it."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.last = None

    def emit(self, record):
        if record.msg.startswith("Response code"):
            self.last = record.args[0]


class Checker(slixmpp.ClientXMPP):
    def __init__(self, jid, password, components, base_url):
        super().__init__(jid, password)
        self.components = components
        self.base_url = base_url
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0363")
        # Loopback test instance without TLS: allow SASL PLAIN over the clear connection.
        self["feature_mechanisms"].unencrypted_plain = True
        self.catcher = StatusCatcher()
        helper_log = logging.getLogger("slixmpp.plugins.xep_0363.http_upload")
        helper_log.addHandler(self.catcher)
        helper_log.setLevel(logging.INFO)
        helper_log.propagate = False
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", lambda _: (record(False, "xmpp-login", "authentication failed"),
                                                         self.disconnect()))

    async def start(self, _):
        record(True, "xmpp-login", str(self.boundjid))
        try:
            for component in self.components:
                await self.check_component(component)
        except Exception as e:  # report, never hang
            record(False, "unexpected", repr(e))
        finally:
            self.disconnect()

    async def check_component(self, component):
        # Disco: the component must present itself as an upload service.
        info = await self["xep_0030"].get_info(jid=component, timeout=10)
        features = info["disco_info"]["features"]
        record("urn:xmpp:http:upload:0" in features, f"{component} disco", "features=" + ",".join(features))

        for label, filename in FILES:
            data = os.urandom(1000) + filename.encode("utf-8")

            # 1. slixmpp's helper, aiohttp does the PUT (Content-Type guessed from the name).
            case = f"{component} helper {label} [{filename}]"
            self["xep_0363"].upload_service = JID(component)  # helper would cache the first service found
            self.catcher.last = None
            try:
                get_url = await self["xep_0363"].upload_file(
                    filename, size=len(data), input_file=io.BytesIO(data), timeout=30)
                record(self.catcher.last == 201, case + " PUT", f"status={self.catcher.last} get={get_url}")
                ctype = self.guess(filename)
                self.check_download(case, get_url, data, ctype)
            except Exception as e:
                record(False, case + " PUT", repr(e))

            # 2. slot from slixmpp, PUT with urllib on the exact URL.
            case = f"{component} urllib {label} [{filename}]"
            ctype = self.guess(filename)
            slot = (await self["xep_0363"].request_slot(JID(component), filename, len(data), ctype, timeout=10))[
                "http_upload_slot"]
            put_url, get_url = slot["put"]["url"], slot["get"]["url"]
            print(f"     slot put={put_url}", flush=True)
            ok_prefix = put_url.startswith(self.base_url) and get_url.startswith(self.base_url)
            record(ok_prefix, case + " slot URLs under base URL", f"get={get_url}")

            bad = re.sub(r"=([0-9a-f])", lambda m: "=" + ("0" if m.group(1) != "0" else "1"), put_url, count=1)
            status, _, body = http("PUT", bad, data, {"Content-Type": ctype})
            record(status == 403, case + " PUT wrong token -> 403", f"status={status}")

            status, _, body = http("PUT", put_url, data, {"Content-Type": ctype})
            record(status == 201, case + " PUT", f"status={status} body={body[:200]!r}")
            self.check_download(case, get_url, data, ctype)

            status, _, body = http("PUT", put_url, b"x" * len(data), {"Content-Type": ctype})
            record(status == 409, case + " second PUT same URL -> 409", f"status={status}")

    @staticmethod
    def guess(filename):
        import mimetypes
        return mimetypes.guess_type(filename)[0] or "application/octet-stream"

    def check_download(self, case, get_url, data, ctype):
        status, headers, body = http("GET", get_url)
        got_type = headers.get("Content-Type")
        ok = status == 200 and body == data and got_type == ctype \
            and headers.get("Content-Length") == str(len(data))
        record(ok, case + " GET", f"status={status} bytes_equal={body == data} Content-Type={got_type!r} "
                                  f"(expected {ctype!r}) Content-Length={headers.get('Content-Length')} "
                                  f"Content-Disposition={headers.get('Content-Disposition')!r}")
        status, headers, body = http("HEAD", get_url)
        record(status == 200 and body == b"" and headers.get("Content-Length") == str(len(data)),
               case + " HEAD", f"status={status} Content-Length={headers.get('Content-Length')}")
        other = respell(get_url)
        if other != get_url:
            status, headers, body = http("GET", other)
            record(status == 200 and body == data, case + " GET other escape case",
                   f"status={status} url={other}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jid", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--base-url", required=True)
    p.add_argument("--debug", action="store_true")
    p.add_argument("components", nargs="+")
    a = p.parse_args()
    logging.basicConfig(level=logging.DEBUG if a.debug else logging.WARNING,
                        format="%(levelname)s %(name)s %(message)s")

    xmpp = Checker(a.jid, a.password, a.components, a.base_url)
    # Plain c2s on loopback: no STARTTLS (the private Prosody has no certificate).
    xmpp.connect(address=("127.0.0.1", a.port), disable_starttls=True, force_starttls=False)
    done = xmpp.disconnected  # a Future, resolved when the stream ends (after the checks)
    try:
        xmpp.loop.run_until_complete(asyncio.wait_for(done, timeout=180))
    except asyncio.TimeoutError:
        record(False, "overall", "timed out after 180 s")

    failed = [r for r in results if not r[0]]
    if not results:
        record(False, "xmpp-login", "never got a session")
        failed = results
    print(f"SUMMARY client checks: {len(results) - len(failed)} passed, {len(failed)} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
