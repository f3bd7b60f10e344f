#!/usr/bin/python3
"""CI interop client: a real XMPP client (slixmpp's XEP-0363 plugin) uploads through each upload
component of a private Prosody into http-upload-servlet, then downloads every file again.

Run with Debian's /usr/bin/python3 (python3-slixmpp belongs to it, not to pyenv's python3).
Started by interop/run.sh; see there for the Prosody side.

For each component given on the command line:
  disco        the component is an XEP-0363 service and announces max-file-size
  upload       slixmpp's upload_file() (slot request, then PUT with aiohttp, including the slot's
               <header>s: that is how mod_http_file_share's "Authorization: Bearer <JWT>" travels)
               for a unicode file name, a PNG-ish binary file and a 1 MiB file -> 201
  download     GET of the slot's GET URL with urllib: 200, the exact bytes, and the Content-Type the
               client announced in the slot request
  lifetime     with --lifetime COMPONENT=SECONDS: the download's Cache-Control max-age is that long
               (within two minutes): the file will be deleted then, so caches must not keep it longer.
               For mod_http_file_share it proves the JWT's "expires" claim was stored and is honoured.
  replay       the same PUT again (same URL, same headers, same body) -> 409
  forged       the slot's PUT with its token (or the JWT's signature) altered -> 401 or 403
  too-large    a slot request for 11 MiB is refused with an XMPP error (not-acceptable), not a timeout

Prints one "PASS <case>" / "FAIL <case>: <why>" line per check and a SUMMARY line; exit status 0
only if every check passed.
"""

import argparse
import asyncio
import io
import logging
import os
import sys
import time
import urllib.error
import urllib.request

import aiohttp
import slixmpp
from slixmpp import JID
from slixmpp.exceptions import IqError, IqTimeout

NS = "urn:xmpp:http:upload:0"
MIB = 1024 * 1024
PER_COMPONENT_TIMEOUT = 60  # seconds; the whole client run stays well under CI's budget

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")

# (label, file name, content type announced in the slot request, body)
FILES = [
    ("unicode", "résumé 日本 🎉.txt", "text/plain; charset=utf-8",
     "Grüße aus dem Interop-Test ✓ — 日本語のテキスト 🎉\n".encode("utf-8") * 3),
    ("binary", "pixel.png", "image/png", PNG + os.urandom(4096) + bytes(range(256))),
    ("1MiB", "one-mebibyte.bin", "application/x-interop-sample", os.urandom(MIB)),
    # Names that broke other services: '+' must stay '+', '%20' must not be decoded twice; aiohttp
    # sends ( ) ; = literally, and Tomcat takes a literal ';' for a path parameter.
    ("plus-percent", "a+b c%20d 100%.jpg", "image/jpeg", os.urandom(2000)),
    ("semicolon", "notes (v1);draft=2.txt", "text/plain", b"semicolon\n" * 10),
    ("hash-question", "what?#1 it's & done!.txt", "text/plain", b"hash and question\n" * 10),
]

results = []  # (ok, name, detail)


def record(ok, name, detail=""):
    results.append((ok, name, detail))
    print(("PASS " if ok else "FAIL ") + name + (": " + detail if detail else ""), flush=True)


def http_get(url):
    """GET with urllib, which sends the URL exactly as Prosody wrote it. Returns (status, headers, body)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=20) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


async def aiohttp_put(url, headers, body):
    """A PUT made exactly as slixmpp's upload_file makes it (aiohttp, same headers). Returns (status, headers)."""
    async with aiohttp.ClientSession(headers={"User-Agent": "slixmpp " + slixmpp.__version__}) as session:
        async with session.put(url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=20)) as resp:
            await resp.read()
            return resp.status, resp.headers


def media_type(value):
    """A Content-Type reduced to what RFC 9110 says matters: type, subtype and parameter names are
    case-insensitive, whitespace around ';' is not significant, and so is the charset's case.
    Tomcat serves "text/plain; charset=utf-8" as "text/plain;charset=utf-8", for example."""
    if value is None:
        return None
    parts = [p.strip() for p in value.split(";")]
    params = []
    for p in parts[1:]:
        name, _, val = p.partition("=")
        name = name.strip().lower()
        val = val.strip()
        params.append((name, val.lower() if name == "charset" else val))
    return parts[0].lower(), tuple(params)


def put_headers(slot, size, ctype):
    """The headers upload_file sends: Content-Length, Content-Type and every <header> of the slot."""
    return {"Content-Length": str(size), "Content-Type": ctype,
            **{h["name"]: h["value"] for h in slot["put"]["headers"]}}


def forge(put_url, headers):
    """The same request with its authorization altered: the query token's last hex digit, or the
    first character of the JWT's signature (every bit of it counts; of the last one, two do not)."""
    headers = dict(headers)
    if "Authorization" in headers:
        value = headers["Authorization"]
        cut = value.rindex(".") + 1
        headers["Authorization"] = value[:cut] + ("A" if value[cut] != "A" else "B") + value[cut + 1:]
        return put_url, headers
    return put_url[:-1] + ("0" if put_url[-1] != "0" else "1"), headers


class StatusCatcher(logging.Handler):
    """upload_file returns only the GET URL and logs the PUT's status ("Response code: %d (%s)")."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.last = None

    def emit(self, rec):
        if isinstance(rec.msg, str) and rec.msg.startswith("Response code"):
            self.last = rec.args[0]


class Interop(slixmpp.ClientXMPP):
    def __init__(self, jid, password, components, base_url, lifetimes):
        super().__init__(jid, password)
        self.components = components
        self.base_url = base_url
        self.lifetimes = lifetimes
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0363")
        # Loopback test instance without TLS: allow SASL PLAIN over the clear connection.
        self["feature_mechanisms"].unencrypted_plain = True
        self.catcher = StatusCatcher()
        upload_log = logging.getLogger("slixmpp.plugins.xep_0363.http_upload")
        upload_log.addHandler(self.catcher)
        upload_log.setLevel(logging.INFO)
        upload_log.propagate = False
        # Keep the slot that upload_file requested (PUT URL and <header>s) for the replay checks.
        self.last_slot = None
        plugin = self["xep_0363"]
        original_request_slot = plugin.request_slot

        async def request_slot_and_keep_it(*args, **kwargs):
            iq = await original_request_slot(*args, **kwargs)
            self.last_slot = iq["http_upload_slot"]
            return iq

        plugin.request_slot = request_slot_and_keep_it
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", self.auth_failed)

    def auth_failed(self, _):
        record(False, "xmpp-login", "authentication failed")
        self.disconnect()

    async def start(self, _):
        record(True, "xmpp-login", str(self.boundjid))
        try:
            for component in self.components:
                started = time.monotonic()
                try:
                    await asyncio.wait_for(self.check_component(component), PER_COMPONENT_TIMEOUT)
                except asyncio.TimeoutError:
                    record(False, f"{component} timeout", f"checks did not finish in {PER_COMPONENT_TIMEOUT} s")
                except Exception as e:  # report and go on with the next component, never hang
                    record(False, f"{component} unexpected", repr(e))
                print(f"     {component}: {time.monotonic() - started:.1f} s", flush=True)
        finally:
            self.disconnect()

    async def check_component(self, component):
        info = await self["xep_0030"].get_info(jid=component, timeout=10)
        features = info["disco_info"]["features"]
        max_size = None
        for form in info["disco_info"].iterables:  # XEP-0128 forms, read as upload_file() reads them
            values = form["values"]
            if values["FORM_TYPE"] in (NS, [NS]):
                max_size = values["max-file-size"]
        record(NS in features and str(max_size) == str(10 * MIB), f"{component} disco",
               f"{NS} in features: {NS in features}, max-file-size={max_size}")

        for label, filename, ctype, data in FILES:
            await self.check_file(component, label, filename, ctype, data)
        await self.check_too_large(component)

    async def check_file(self, component, label, filename, ctype, data):
        case = f"{component} {label} [{filename}]"
        plugin = self["xep_0363"]
        plugin.upload_service = JID(component)  # otherwise upload_file discovers (and caches) one itself
        self.catcher.last = None
        self.last_slot = None
        try:
            get_url = await plugin.upload_file(filename, size=len(data), content_type=ctype,
                                               input_file=io.BytesIO(data), timeout=20)
        except Exception as e:
            record(False, case + " upload", repr(e))
            return
        slot = self.last_slot
        put_url = slot["put"]["url"]
        headers = put_headers(slot, len(data), ctype)
        slot_headers = [h["name"] for h in slot["put"]["headers"]]
        record(self.catcher.last == 201 and get_url.startswith(self.base_url) and put_url.startswith(self.base_url),
               case + " upload -> 201",
               f"status={self.catcher.last} slot headers={slot_headers} get={get_url}")

        status, resp_headers, body = http_get(get_url)
        got_type = resp_headers.get("Content-Type")
        record(status == 200 and body == data and media_type(got_type) == media_type(ctype), case + " download",
               f"status={status} bytes {'equal' if body == data else 'DIFFER'} ({len(body)}/{len(data)}) "
               f"Content-Type={got_type!r} (announced {ctype!r}"
               f"{', identical' if got_type == ctype else ', same media type' if media_type(got_type) == media_type(ctype) else ''})")

        if component in self.lifetimes:
            expected = self.lifetimes[component]
            cache_control = resp_headers.get("Cache-Control", "")
            max_age = int(cache_control.split("max-age=")[1].split(",")[0]) if "max-age=" in cache_control else None
            record(max_age is not None and expected - 120 <= max_age <= expected, case + " lifetime",
                   f"Cache-Control={cache_control!r}, expected max-age about {expected}")

        status, _ = await aiohttp_put(put_url, headers, data)
        record(status == 409, case + " replay same PUT -> 409", f"status={status}")

        forged_url, forged_headers = forge(put_url, headers)
        status, resp_headers = await aiohttp_put(forged_url, forged_headers, data)
        record(status in (401, 403), case + " forged token -> 401/403",
               f"status={status} WWW-Authenticate={resp_headers.get('WWW-Authenticate')!r}")

    async def check_too_large(self, component):
        case = f"{component} too-large slot (11 MiB) refused"
        try:
            iq = await self["xep_0363"].request_slot(JID(component), "too-large.bin", 11 * MIB,
                                                     "application/octet-stream", timeout=10)
            record(False, case, "got a slot: " + str(iq["http_upload_slot"]["put"]["url"]))
        except IqTimeout:
            record(False, case, "no answer in 10 s (the component crashed while refusing?)")
        except IqError as e:
            err = e.iq["error"]
            too_large = e.iq.xml.find(f".//{{{NS}}}file-too-large")
            limit = None if too_large is None else "".join(too_large.itertext()).strip()
            record(err["condition"] == "not-acceptable" and too_large is not None, case,
                   f"error type={err['type']} condition={err['condition']} text={err['text']!r} "
                   f"<file-too-large> {'present, limit ' + str(limit) if too_large is not None else 'MISSING'}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jid", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--base-url", required=True)
    p.add_argument("--debug", action="store_true")
    p.add_argument("--lifetime", action="append", default=[], metavar="COMPONENT=SECONDS",
                   help="how long the service keeps files uploaded through COMPONENT")
    p.add_argument("components", nargs="+")
    a = p.parse_args()
    logging.basicConfig(level=logging.DEBUG if a.debug else logging.WARNING,
                        format="%(levelname)s %(name)s %(message)s")

    started = time.monotonic()
    lifetimes = {name: int(seconds) for name, seconds in (item.split("=", 1) for item in a.lifetime)}
    xmpp = Interop(a.jid, a.password, a.components, a.base_url, lifetimes)
    # Plain c2s on loopback: the private Prosody has no certificate.
    xmpp.connect(address=("127.0.0.1", a.port), disable_starttls=True, force_starttls=False)
    overall = PER_COMPONENT_TIMEOUT * len(a.components) + 30
    try:
        xmpp.loop.run_until_complete(asyncio.wait_for(xmpp.disconnected, timeout=overall))
    except asyncio.TimeoutError:
        record(False, "overall", f"timed out after {overall} s")
    # slixmpp leaves its stanza-filter task pending after the disconnect: end it, or asyncio
    # complains "Task was destroyed but it is pending" at exit.
    pending = [t for t in asyncio.all_tasks(xmpp.loop) if not t.done()]
    for task in pending:
        task.cancel()
    xmpp.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

    if not results:
        record(False, "xmpp-login", "never got a session")
    failed = [r for r in results if not r[0]]
    print(f"SUMMARY client checks: {len(results) - len(failed)} passed, {len(failed)} failed "
          f"in {time.monotonic() - started:.1f} s", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
