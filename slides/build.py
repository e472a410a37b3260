"""build.py REPORT.json RESULTS_DIR OUT.html: the talk deck, from the learner's numbers.

slides/build.sh runs it (after `parlab report RESULTS_DIR --format json` and the charts
at slide size, plots/render.sh --slide). It reads the report (every lab's machine and
every claim's verdict and numbers), slides/talk.txt (the words around them) and the
slide-size charts in RESULTS_DIR/plots/slide/, and writes one HTML file with the charts
inline (slides/deck.html is its frame: styles, keys, presenter view, printing).

Slides: a title slide in words (the machine, the mode); per lab a question slide with
the prediction to make, then one slide per claim: its headline is the claim and its
verdict on these numbers, the chart beneath, speaker notes (ask, point, reveal, caveat)
in the presenter view only. A chart that means nothing on this machine (talk.txt's
`requires`) becomes a sentence, and the notes say why. Claims whose experiment is not
in the results (the stage-only `demo`) get no slide; the lab's notes list them.
"""
import base64
import html
import json
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- talk.txt ------------------------------------------------------------------------------

def parse_talk(path):
    """[(kind, args, fields)] in file order; kind: title, lab, claim, chart, end."""
    sections, cur, last = [], None, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.match(r"^\[(\w+)\s*(.*)\]\s*$", line)
            if m:
                args = re.findall(r'"([^"]*)"|(\S+)', m.group(2))
                cur = (m.group(1), [a or b for a, b in args], {})
                sections.append(cur)
                last = None
                continue
            if cur is None:
                continue
            if line[:1] in " \t" and last:
                cur[2][last] += " " + line.strip()
                continue
            k, sep, v = line.partition(":")
            if sep:
                last = k.strip()
                cur[2][last] = v.strip()
    return sections


def talk_find(talk, kind, *args):
    for k, a, f in talk:
        if k != kind or len(a) < len(args):
            continue
        if kind == "claim":
            if a[0] == args[0] and args[1].startswith(a[1]):
                return f
        elif a[:len(args)] == list(args):
            return f
    return None


# ---- numbers in words ----------------------------------------------------------------------

def fmt_value(p):
    v, u = p.get("median"), p.get("unit") or ""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if u == "x":
        return "%.2fx" % v if v < 10 else "%.0fx" % v
    if u == "fraction":
        return "%.0f%%" % (100 * v) if v >= 0.1 else "%.1f%%" % (100 * v)
    if u in ("ms", "us", "ns", "s"):
        # in the unit that keeps it short, as parlab report does: 5.51 ms, not 5505 us
        units = ["ns", "us", "ms", "s"]
        while u != "s" and abs(v) >= 1000:
            v, u = v / 1000, units[units.index(u) + 1]
        return "%.3g %s" % (v, u)
    if u == "updates":
        return "%s updates" % "{:,}".format(int(round(v)))
    if abs(v) >= 1000:  # a count or a rate, said aloud: 3,374, not 3.37e+03
        return ("%s %s" % ("{:,}".format(int(round(v))), u)).strip()
    return ("%.3g %s" % (v, u)).strip()


def fill(template, parts, usable):
    """The template with {v1}, {c1}, {n} filled in, or None if a value is missing."""
    missing = []

    def sub(m):
        kind, i = m.group(1), m.group(2)
        if kind == "n":
            return str(usable) if usable else (missing.append("n") or "")
        k = int(i) - 1
        if k >= len(parts):
            missing.append(m.group(0))
            return ""
        if kind == "v":
            s = fmt_value(parts[k])
        else:
            c = parts[k].get("cores")
            s = "%.2f" % c if isinstance(c, (int, float)) else None
        if s is None:
            missing.append(m.group(0))
            return ""
        return s
    out = re.sub(r"\{(v|c|n)(\d*)\}", sub, template)
    return None if missing else out


def short_claim(text):
    """The claim's gist for a headline: its first clause (up to a colon), without
    what it says in parentheses."""
    s = re.sub(r"\s*\([^()]*(\([^()]*\)[^()]*)*\)", "", text.split(": ")[0]).strip()
    return s[0].upper() + s[1:] if s else text


VERDICT_WORDS = {"holds": "holds", "fails": "does not hold", "cannot": "cannot tell"}


def machine_words(labs):
    """The title slide's sentence: 2 CPUs, AMD EPYC, CPython 3.11.2, measured 2026-12-01,
    quick mode: 5 repetitions, 94% intervals."""
    if not labs:
        return "no results"
    m = labs[0]["machine"]
    bits = []
    cpus = sorted({l["machine"]["cpus_usable"] for l in labs if l["machine"]["cpus_usable"]})
    if cpus:
        bits.append("%s CPU%s" % ("/".join(map(str, cpus)), "" if cpus == [1] else "s"))
    if m.get("cpu_model"):
        bits.append(m["cpu_model"])
    py = m.get("python", "")
    if py and py != "none":
        bits.append("CPython " + py.split()[0])
    dates = sorted({l["machine"].get("date", "")[:10] for l in labs if l["machine"].get("date")})
    if dates:
        bits.append("measured " + (dates[0] if len(dates) == 1 else "%s to %s" % (dates[0], dates[-1])))
    quick = {l["machine"]["quick"] for l in labs}
    reps = sorted({l["machine"]["reps"] for l in labs if l["machine"]["reps"]})
    levels = sorted({l["machine"]["ci_level"] for l in labs if l["machine"].get("ci_level")})
    mode = "quick mode" if quick == {True} else "full mode" if quick == {False} else "quick and full mode"
    tail = mode
    if reps:
        tail += ": %s repetitions" % "/".join(map(str, reps))
        if levels:
            tail += ", %s intervals" % "/".join("%.0f%%" % (100 * x) for x in levels)
    bits.append(tail)
    return ", ".join(bits)


# ---- the slides --------------------------------------------------------------------------------

def esc(s):
    return html.escape(s or "", quote=True)


def notes_html(notes):
    order = (("claim", "The claim"), ("ask", "Ask"), ("point", "Point at"), ("reveal", "Reveal"),
             ("caveat", "Caveat"))
    out = ["<dl>"]
    for k, title in order:
        if notes.get(k):
            out.append("<dt>%s</dt><dd>%s</dd>" % (title, esc(notes[k])))
    out.append("</dl>")
    return "".join(out)


class Deck:
    def __init__(self, report, results, talk, charts_dir):
        self.report, self.results, self.talk = report, results, talk
        self.charts_dir = charts_dir
        self.slides, self.charts = [], {}
        self.usable = max([l["machine"]["cpus_usable"] for l in report["labs"]] + [0])

    def chart(self, name):
        """The chart's key in the charts map, or None if it was not drawn at slide size."""
        if not name or name == "none":
            return None
        if name not in self.charts:
            path = os.path.join(self.charts_dir, name + ".png")
            if not os.path.isfile(path):
                return None
            with open(path, "rb") as f:
                self.charts[name] = "data:image/png;base64," + base64.b64encode(f.read()).decode()
        return name

    def add(self, kind, headline, body, notes, extra_class=""):
        for k in ("ask", "point", "reveal", "caveat"):
            notes.setdefault(k, "")
        self.slides.append({"kind": kind, "headline": headline, "body": body, "notes": notes,
                            "cls": extra_class})

    def title(self):
        f = talk_find(self.talk, "title") or {}
        labs = self.report["labs"]
        words = machine_words(labs)
        names = ", ".join(l["name"] for l in labs)
        body = ('<p class="machine">%s</p><p class="labs">The labs, in order: %s. Every chart and '
                'verdict on these slides was measured on this machine.</p>') % (esc(words), esc(names))
        notes = {k: f.get(k, "") for k in ("ask", "point", "reveal", "caveat")}
        notes["reveal"] = notes["reveal"] or "The numbers: " + words + "."
        self.add("title", f.get("headline", "Using every core"), body, notes)

    def lab(self, l):
        name = l["name"]
        f = talk_find(self.talk, "lab", name) or {}
        question = f.get("question") or (l["summary"] or name)
        predict = f.get("predict") or ("What do you expect on %d CPU%s?" % (
            self.usable, "" if self.usable == 1 else "s"))
        body = '<p class="predict"><b>Predict:</b> %s</p>' % esc(predict)
        shown, unshown = [], []
        for c in l["claims"]:
            (unshown if self.not_measured(l, c) else shown).append(c)
        notes = {
            "ask": f.get("ask") or predict,
            "point": f.get("point") or "Write the predictions down: the next %d slide%s judge them." % (
                len(shown), "" if len(shown) == 1 else "s"),
            "reveal": f.get("reveal", ""),
            "caveat": f.get("caveat", ""),
        }
        if unshown:
            notes["caveat"] = (notes["caveat"] + " " if notes["caveat"] else "") + \
                "Not in these results (no slide): " + "; ".join(short_claim(c["text"]) for c in unshown) + "."
        self.add("question", question, '<p class="lab">lab: %s</p>' % esc(name) + body, notes)
        return shown

    @staticmethod
    def not_measured(l, c):
        return c["verdict_key"] == "cannot" and not c["parts"] and \
            re.search(r"experiment is not in these results", c["why"] or "")

    def claim(self, l, c):
        f = talk_find(self.talk, "claim", l["name"], c["text"]) or {}
        v = c["verdict_key"]
        headline = None
        if f.get(v):
            headline = fill(f[v], c["parts"], self.usable)
        if not headline:
            value = fmt_value(c["parts"][0]) if c["parts"] else None
            headline = "%s: %s here%s" % (short_claim(c["text"]), VERDICT_WORDS[v],
                                          (", " + value) if value else "")
        chart = self.chart(f.get("chart") or self.default_chart(l, c))
        body = ""
        if chart:
            body += '<figure><img class="chart" data-chart="%s" alt="%s chart" width="1240" height="600"></figure>' % (
                esc(chart), esc(chart))
        else:
            body += '<p class="numbers">%s</p>' % esc(c["numbers"] or "(no numbers)")
            if c["why"]:
                body += '<p class="big">Why: %s</p>' % esc(c["why"])
        body += '<p class="src">%s &middot; %s%s</p>' % (esc(l["name"]), esc(c["experiment"]),
                                                        (" &middot; chart " + esc(chart)) if chart else "")
        reveal = "%s on these numbers: %s." % (VERDICT_WORDS[v].capitalize(), c["numbers"] or "no numbers")
        if f.get("reveal"):
            reveal = f["reveal"] + " " + reveal
        caveat = f.get("caveat", "")
        if c["why"]:
            caveat = ("Why it %s: %s. " % (VERDICT_WORDS[v], c["why"])) + caveat
        if l["machine"]["quick"]:
            caveat += " Quick mode: %d repetitions a point; run the lab in full before quoting it." % l["machine"]["reps"]
        notes = {"claim": c["text"],
                 "ask": f.get("ask") or "Before the chart: does this hold here?",
                 "point": f.get("point") or ("The chart: %s." % chart if chart else "The numbers."),
                 "reveal": reveal, "caveat": caveat.strip()}
        badge = '<span class="badge %s">%s</span>' % (v, VERDICT_WORDS[v])
        self.add("claim", headline, body, notes, "verdict-" + v)
        self.slides[-1]["badge"] = badge

    def default_chart(self, l, c):
        """The lab's chart whose script reads this experiment's rows, else its first."""
        names = [ch["name"] for ch in l["charts"]]
        for name in names:
            gp = os.path.join(HERE, "..", "plots", name + ".gp")
            try:
                with open(gp, encoding="utf-8") as f:
                    if "'%s'" % c["experiment"] in f.read():
                        return name
            except OSError:
                pass
        return names[0] if names else None

    def extra_chart(self, l, name, f):
        req = re.match(r"cpus\s*>=\s*(\d+)", f.get("requires", ""))
        notes = {k: f.get(k, "") for k in ("ask", "point", "reveal", "caveat")}
        if req and self.usable < int(req.group(1)):
            headline = f.get("instead") or "The %s chart needs %s CPUs: left out" % (name, req.group(1))
            notes = {"ask": "", "point": "No chart: nothing to point at on %d CPUs." % self.usable,
                     "reveal": "The %s chart was left out: it needs %s or more usable CPUs to mean "
                               "anything, and these results have %d." % (name, req.group(1), self.usable),
                     "caveat": "Show it from a bigger machine's results, or skip this slide."}
            self.add("sentence", headline, '<p class="big">Run the lab on a machine with %s or more CPUs '
                     'to see it.</p>' % esc(req.group(1)), notes)
            return
        chart = self.chart(name)
        if not chart:
            return  # no data for it: nothing to show
        body = '<figure><img class="chart" data-chart="%s" alt="%s chart" width="1240" height="600"></figure>' % (
            esc(chart), esc(chart))
        body += '<p class="src">%s &middot; chart %s</p>' % (esc(l["name"]), esc(chart))
        notes["ask"] = notes["ask"] or "What do you expect this chart to show?"
        notes["point"] = notes["point"] or "The chart: %s." % name
        self.add("chart", f.get("headline") or "The %s chart" % name, body, notes)

    def end(self):
        f = talk_find(self.talk, "end") or {}
        c = self.report["counts"]
        items = []
        for l in self.report["labs"]:
            k = {"holds": 0, "fails": 0, "cannot": 0}
            for cl in l["claims"]:
                if not self.not_measured(l, cl):
                    k[cl["verdict_key"]] += 1
            items.append("<li><b>%s</b>: %d held, %d did not, %d cannot tell</li>" % (
                esc(l["name"]), k["holds"], k["fails"], k["cannot"]))
        body = '<ul>%s</ul><p class="big">Run it on yours: <code>make tour</code>, then ' \
               '<code>make slides</code>.</p>' % "".join(items)
        notes = {k: f.get(k, "") for k in ("ask", "point", "reveal", "caveat")}
        notes["reveal"] = notes["reveal"] or "%d claims held, %d did not, %d cannot tell (the demo-only " \
            "claims included)." % (c["holds"], c["fails"], c["cannot"])
        self.add("end", f.get("headline", "What held on this machine"), body, notes)

    def build(self):
        self.title()
        for l in self.report["labs"]:
            shown = self.lab(l)
            extras = [(a, f) for k, a, f in self.talk if k == "chart" and a and a[0] == l["name"] and len(a) > 1]
            for c in shown:
                self.claim(l, c)
                for a, f in extras:
                    if f.get("after") and c["text"].startswith(f["after"]):
                        self.extra_chart(l, a[1], f)
            for a, f in extras:
                if not f.get("after"):
                    self.extra_chart(l, a[1], f)
        self.end()
        # every headline unique: a repeat gets its lab, then a number
        seen = {}
        for s in self.slides:
            h = s["headline"]
            if h in seen:
                seen[h] += 1
                s["headline"] = "%s (%d)" % (h, seen[h])
            else:
                seen[h] = 1

    def html(self, frame):
        out = []
        for i, s in enumerate(self.slides):
            out.append('<section class="slide k-%s %s" id="s%d">\n<header><h1>%s</h1>%s</header>\n%s\n'
                       '<aside class="notes">%s</aside>\n</section>' % (
                           s["kind"], s["cls"], i + 1, esc(s["headline"]), s.get("badge", ""), s["body"],
                           notes_html(s["notes"])))
        charts = json.dumps(self.charts).replace("</", "<\\/")
        return frame.replace("{{TITLE}}", esc("parlab: " + self.slides[0]["headline"])) \
                    .replace("{{CHARTS}}", charts).replace("{{SLIDES}}", "\n".join(out))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: build.py REPORT.json RESULTS_DIR OUT.html\n")
        return 2
    with open(argv[0], encoding="utf-8", errors="replace") as f:
        report = json.load(f)
    talk = parse_talk(os.path.join(HERE, "talk.txt"))
    deck = Deck(report, argv[1], talk, os.path.join(argv[1], "plots", "slide"))
    deck.build()
    with open(os.path.join(HERE, "deck.html"), encoding="utf-8") as f:
        frame = f.read()
    tmp = argv[2] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(deck.html(frame))
    os.replace(tmp, argv[2])
    print("slides: %s (%d slides, %d charts)" % (argv[2], len(deck.slides), len(deck.charts)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
