"""check.py DECK.html SHOTS_DIR: the deck in a real browser (headless Chromium).

Loads the deck at 1280x720 through the DevTools protocol (over a pipe: no port, no
network) and prints one line a check, "ok - ..." or "not ok - ...": no console errors or
uncaught exceptions, every image loaded, every slide with a headline (all different)
and speaker notes, the notes hidden in the audience view and shown in the presenter
view, the charts shown at the size they were drawn (so their text stays >= 20 px), the
keys (arrows, space, Home, End, a number then Enter), nothing fetched from elsewhere,
and print to PDF one slide a page. Screenshots of a few slides go to SHOTS_DIR for a
person to look at. Exit 0 when it ran (the lines say what passed), 3 when there is no
Chromium here (the test then says it was skipped), 1 when the browser failed.
Environment: CHROMIUM (default: chromium, chromium-browser, google-chrome on the PATH).
"""
import base64
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe"]


def find_chromium():
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (replies out)."""

    def __init__(self, exe, profile):
        to_r, self.to_w = os.pipe()      # our commands -> its fd 3
        self.from_r, from_w = os.pipe()  # its fd 4 -> our replies
        # its ends above 9 (bash moves them), so that moving them to 3 and 4 cannot clobber one another
        to_r, from_w = [self._high(fd) for fd in (to_r, from_w)]
        cmd = ["bash", "-c", 'exec "$0" "$@" 3<&%d 4>&%d %d<&- %d>&-' % (to_r, from_w, to_r, from_w),
               exe] + FLAGS + ["--user-data-dir=" + profile, "about:blank"]
        self.proc = subprocess.Popen(cmd, pass_fds=(to_r, from_w), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(to_r)
        os.close(from_w)
        self.next_id, self.replies, self.events = 0, {}, []
        self.cv = threading.Condition()
        self.err = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._stderr, daemon=True).start()

    @staticmethod
    def _high(fd):
        high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
        os.close(fd)
        return high

    def _stderr(self):
        for line in self.proc.stderr:
            self.err.append(line.decode(errors="replace"))

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.from_r, 1 << 16)
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                m = json.loads(msg)
                with self.cv:
                    if "id" in m:
                        self.replies[m["id"]] = m
                    else:
                        self.events.append(m)
                    self.cv.notify_all()
        with self.cv:
            self.replies[-1] = {"error": {"message": "the browser closed its pipe"}}
            self.cv.notify_all()

    def call(self, method, params=None, session=None, timeout=60):
        with self.cv:
            self.next_id += 1
            i = self.next_id
        msg = {"id": i, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        end = time.time() + timeout
        with self.cv:
            while i not in self.replies and -1 not in self.replies:
                if not self.cv.wait(max(0.01, end - time.time())) and time.time() > end:
                    raise RuntimeError("%s: no answer in %d s" % (method, timeout))
            r = self.replies.pop(i, None) or self.replies[-1]
        if "error" in r:
            raise RuntimeError("%s: %s" % (method, r["error"].get("message")))
        return r.get("result", {})

    def wait_event(self, method, timeout=30):
        end = time.time() + timeout
        with self.cv:
            while True:
                for e in self.events:
                    if e.get("method") == method:
                        return e
                if time.time() > end:
                    raise RuntimeError("no %s in %d s" % (method, timeout))
                self.cv.wait(0.1)

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


KEYS = {"ArrowRight": 39, "ArrowLeft": 37, "Home": 36, "End": 35, " ": 32, "Enter": 13, "p": 80}


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: check.py DECK.html SHOTS_DIR\n")
        return 2
    deck, shots = os.path.abspath(argv[0]), argv[1]
    exe = find_chromium()
    if not exe:
        print("# no chromium here (make deps-browser installs it)")
        return 3
    os.makedirs(shots, exist_ok=True)
    results = []

    def check(cond, what, detail=""):
        results.append(cond)
        print(("ok - " if cond else "not ok - ") + what + ("" if cond or not detail else ": " + detail))

    profile = tempfile.mkdtemp(prefix="parlab-chromium-")
    b = Browser(exe, profile)
    try:
        t = b.call("Target.createTarget", {"url": "about:blank"})
        s = b.call("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True})["sessionId"]

        def call(method, params=None):
            return b.call(method, params, s)

        def js(expr):
            r = call("Runtime.evaluate", {"expression": expr, "returnByValue": True})
            if "exceptionDetails" in r:
                raise RuntimeError("evaluating %s: %s" % (expr[:60], r["exceptionDetails"].get("text")))
            return r["result"].get("value")

        def key(k):
            code = KEYS.get(k) or ord(k.upper())
            for typ in ("keyDown", "keyUp"):
                p = {"type": typ, "key": k, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code}
                if typ == "keyDown" and len(k) == 1:
                    p["text"] = k
                call("Input.dispatchKeyEvent", p)
            time.sleep(0.05)

        def shot(name):
            data = call("Page.captureScreenshot", {"format": "png"})["data"]
            path = os.path.join(shots, name)
            with open(path, "wb") as f:
                f.write(base64.b64decode(data))
            return path

        for domain in ("Runtime", "Log", "Page", "Network"):
            call(domain + ".enable")
        call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 720, "deviceScaleFactor": 1,
                                                    "mobile": False})
        call("Page.navigate", {"url": "file://" + deck})
        b.wait_event("Page.loadEventFired", 60)
        time.sleep(0.5)
        info = json.loads(js("""JSON.stringify((() => {
          const s = [...document.querySelectorAll('.slide')];
          const notes = x => { const a = x.querySelector('.notes'); return a ? a.textContent.trim() : ''; };
          return {
            n: s.length,
            heads: s.map(x => { const h = x.querySelector('h1'); return h ? h.textContent.trim() : ''; }),
            notes: s.map(x => notes(x).length),
            asks: s.map(x => /Ask|Point at|Reveal|Caveat/.test(notes(x))),
            notesShown: s.filter(x => { const a = x.querySelector('.notes');
                                        return a && getComputedStyle(a).display !== 'none'; }).length,
            imgs: [...document.images].map(i => ({chart: i.dataset.chart || i.src.slice(0, 40),
                                                  complete: i.complete, w: i.naturalWidth})),
            counter: document.getElementById('counter').textContent,
            outside: [...document.querySelectorAll('[src],[href]')]
                       .map(e => e.getAttribute('src') || e.getAttribute('href'))
                       .filter(u => u && !/^(data:|#|javascript:)/.test(u)),
          };
        })())"""))
        n = info["n"]
        check(n >= 3, "the deck has %d slides" % n)
        check(info["counter"] == "1 / %d" % n, "a slide counter ('%s')" % info["counter"])
        empty = [i + 1 for i, h in enumerate(info["heads"]) if not h]
        check(not empty, "every slide has a headline", "slides without one: %s" % empty)
        seen, dup = {}, []
        for i, h in enumerate(info["heads"]):
            if h in seen:
                dup.append("%d and %d: %s" % (seen[h], i + 1, h))
            seen.setdefault(h, i + 1)
        check(not dup, "every headline is different", "; ".join(dup[:3]))
        nonotes = [i + 1 for i, (k, a) in enumerate(zip(info["notes"], info["asks"])) if k < 20 or not a]
        check(not nonotes, "every slide has speaker notes", "slides without: %s" % nonotes)
        check(info["notesShown"] == 0, "the notes are hidden in the audience view",
              "%d slides show them" % info["notesShown"])
        bad = [i["chart"] for i in info["imgs"] if not i["complete"] or i["w"] == 0]
        check(info["imgs"] and not bad, "every image loads (%d)" % len(info["imgs"]), "not loaded: %s" % bad[:5])
        check(not info["outside"], "nothing comes from outside the file", "references: %s" % info["outside"][:5])
        # a chart slide: the chart shown at the size it was drawn (its text stays >= 20 px)
        first_chart = js("""(() => { const s = [...document.querySelectorAll('.slide')];
            return s.findIndex(x => x.querySelector('img')); })()""")
        if first_chart is not None and first_chart >= 0:
            js("parlabDeck.show(%d)" % first_chart)
            time.sleep(0.2)
            ratio = js("""(() => { const i = document.querySelector('.slide.current img');
                return i.getBoundingClientRect().width / i.naturalWidth; })()""")
            check(ratio is not None and ratio >= 0.95, "at 1280x720 a chart is shown at %.0f%% of the size "
                  "it was drawn" % (100 * (ratio or 0)))
            shot("slide-%02d-chart.png" % (first_chart + 1))
        # the keys
        js("parlabDeck.show(0)")
        key("ArrowRight")
        a = js("parlabDeck.current()")
        key(" ")
        b2 = js("parlabDeck.current()")
        key("ArrowLeft")
        c = js("parlabDeck.current()")
        key("End")
        d = js("parlabDeck.current()")
        key("Home")
        e = js("parlabDeck.current()")
        key("3")
        key("Enter")
        f = js("parlabDeck.current()")
        counter = js("document.getElementById('counter').textContent")
        check((a, b2, c, d, e, f) == (1, 2, 1, n - 1, 0, 2),
              "keys: right, space, left, End, Home, 3 Enter move as they should",
              "slides %s" % ((a, b2, c, d, e, f),))
        check(counter == "3 / %d" % n, "the counter follows ('%s')" % counter)
        # the presenter view: p shows the notes beside the slide, p again hides them
        js("parlabDeck.show(%d)" % max(0, first_chart or 0))
        key("p")
        pv = js("""(() => ({on: document.body.classList.contains('presenter'),
            panel: getComputedStyle(document.getElementById('panel')).display,
            notes: document.getElementById('pnotes').textContent.trim().length,
            next: document.getElementById('pnext').textContent}))()""")
        check(pv["on"] and pv["panel"] != "none" and pv["notes"] > 20,
              "p opens the presenter view with the slide's notes", str(pv))
        shot("presenter.png")
        key("p")
        off = js("getComputedStyle(document.getElementById('panel')).display")
        check(off == "none", "p again closes it")
        # screenshots of a few slides for a person
        for k in (0, 1, 2):
            if k < n:
                js("parlabDeck.show(%d)" % k)
                time.sleep(0.1)
                shot("slide-%02d.png" % (k + 1))
        for i, h in enumerate(info["heads"]):
            if "left out" in h or "freeze" in h.lower() or "pure-Python" in h:
                js("parlabDeck.show(%d)" % i)
                time.sleep(0.1)
                shot("slide-%02d.png" % (i + 1))
        # print: one slide a page
        pdf = base64.b64decode(call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        check(pages == n, "print to PDF: one page a slide (%d pages, %d slides)" % (pages, n))
        # errors: uncaught exceptions, console.error, failed loads
        errs = []
        for ev in b.events:
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.exceptionThrown":
                errs.append(p.get("exceptionDetails", {}).get("text", "exception"))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errs.append("console.%s: %s" % (p["type"], " ".join(str(a.get("value")) for a in p.get("args", []))))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                errs.append("log: " + p["entry"].get("text", ""))
            elif m == "Network.loadingFailed":
                errs.append("load failed: %s" % p.get("errorText"))
        check(not errs, "no console errors", "; ".join(errs[:5]))
        print("# screenshots: %s" % shots)
    except Exception as ex:  # the browser failed us: say so, as a failure
        check(False, "the browser ran the checks", str(ex) + " " + "".join(b.err[-3:]))
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
