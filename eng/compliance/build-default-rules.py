#!/usr/bin/env python3
"""Builds src/CxContact.Core/Compliance/default-rules.json from the jurisdiction research in docs/compliance/research.

The research files (one per jurisdiction, format in docs/compliance/research/README.md) are what was read, with
citations, primary URLs, quotes and notes. This script is the one place that turns them into engine rules, and every
choice it makes where the engine cannot say exactly what a statute says is written down below, in the rule's notes and
in the jurisdiction's "notModelled" lines. When a choice is needed, it is the stricter reading: a rule that holds back a
call the law allows costs a call; one that lets a forbidden call through costs a violation.

    python3 eng/compliance/build-default-rules.py          # rewrites default-rules.json
    python3 eng/compliance/build-default-rules.py --check  # exits 1 if the committed file differs
"""
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESEARCH = os.path.join(ROOT, "docs", "compliance", "research")
OUT = os.path.join(ROOT, "src", "CxContact.Core", "Compliance", "default-rules.json")

# Rule ids tenants may already override keep their names where the rule is the same one.
KEEP_ID = {
    "us-fcc-telephone-solicitation-hours": "us-federal-hours",
    "us-fl-hours-commercial-solicitation": "us-fl-hours",
    "us-fl-3-calls-24h-same-subject": "us-fl-3-per-24h",
    "us-cfpb-regf-7-in-7": "us-reg-f-7-in-7",
    "gb-ofcom-no-repeat-72h-after-abandoned": "gb-abandoned-72h",
    "ca-crtc-telemarketing-hours": "ca-crtc-hours",
}

# Rules for one trade only (claims management, telecommunications companies, securities dealers): the engine cannot tell
# a call's trade, and applying them to every call would hold back calls the law allows everyone else to make. Listed in
# the jurisdiction's notModelled lines instead, for a tenant in that trade to add as an override.
ONE_TRADE = {"gb-pecr-reg21a-claims-management-consent", "us-ga-hours-telecom-companies", "us-il-hours-securities-solicitors"}

# Where the text read is narrower than the provision's own title or scope, the rule takes the wider reading.
WIDER = {
    # Ala. Admin. Code r. 770-X-5-.17: its title covers every telephone solicitation; the part read speaks of automated
    # calls. Applied to every sales call until the whole text is read.
    "us-al-hours-automated-solicitation": {"modes": ["live", "automated"]},
}

# Shipped but off, as the issue asks: switched on per tenant or campaign.
OFF = {"us-cfpb-regf-7-days-after-conversation", "us-reg-f-7-in-7"}

# Where a rule's hours are read in a fixed zone rather than the called party's.
FIXED_ZONE = {
    # "Central Standard Time" all year (Miss. Code § 77-3-725): UTC-6, one hour earlier in summer than Central time.
    "us-ms-hours": "Etc/GMT+6",
    "us-ms-hours-unsolicited-sales-calls": "Etc/GMT+6",
}

AUTOMATED_ONLY_DIAL_MODES = ["progressive", "predictive", "power", "agentless"]
ALL_DIAL_MODES = ["preview"] + AUTOMATED_ONLY_DIAL_MODES

# Which machine calls a statute on "automated" calls reaches. Statutes on automatic dialing-announcing devices, recorded
# or prerecorded messages reach calls that play a recording ("prerecorded": the agentless mode). Statutes on automatic
# telephone dialing systems, or on "automated systems for the selection or dialing of numbers", reach autodialed calls
# that a person takes as well ("autodialed": progressive, predictive, power). Named here, rule by rule, from the text.
AUTODIALER_STATUTES = {
    "us-fcc-pewc-autodialed-prerecorded-telemarketing-wireless",   # 47 CFR 64.1200(a)(2): ATDS or prerecorded voice
    "us-fcc-prior-express-consent-autodialed-wireless-any-purpose",  # 47 CFR 64.1200(a)(1)(iii): ATDS or prerecorded voice
    "us-fl-automated-sales-consent",     # Fla. Stat. 501.059(8)(a): "automated system for the selection or dialing"
    "us-ok-automated-consent",           # 15 O.S. 775C.4: the same words as Florida's
    "us-md-automated-consent",           # Md. Com. Law 14-4503: an automated system for the selection or dialing
    "us-ut-atds-consent",                # Utah Code 13-25a-103: automated telephone dialing system
    "us-ct-sales-call-consent",          # Conn. Gen. Stat. 42-288a: "automatically dialed" sales calls
    "us-sd-atds-hours",                  # SDCL 49-31-1 automatic telephone dialing system
    "us-il-hours-autodialer",            # 815 ILCS 305: autodialer
    "us-ky-automated-hours",             # KRS 367.46955(15): automated calling equipment
    "us-ky-automated-consent",
}


def machine_modes(r):
    """The engine modes a research rule's "automated" means, from the statute it cites."""
    return ["autodialed", "prerecorded"] if r["id"] in AUTODIALER_STATUTES else ["prerecorded"]
# Ofcom lets a re-call through when an agent is guaranteed: preview and progressive guarantee one.
NO_AGENT_GUARANTEED = ["predictive", "power", "agentless"]


def load():
    files = sorted(glob.glob(os.path.join(RESEARCH, "*.json")))
    return [json.load(open(f, encoding="utf-8")) for f in files]


def where(code):
    country, _, region = code.partition("-")
    return country, (region or None)


def modes_of(r):
    c = r.get("covers") or {}
    if "live" in c.get("modes", []) and "automated" in c.get("modes", []):
        return ["live", "autodialed", "prerecorded"]  # every call, however placed
    modes = set()
    for m in c.get("modes", []):
        if m == "live":
            modes.add("live")
        elif m == "automated":
            modes.update(machine_modes(r))
    return [m for m in ("live", "autodialed", "prerecorded") if m in modes] or ["live", "autodialed", "prerecorded"]


def dial_modes(r):
    modes = modes_of(r)
    out = []
    if "live" in modes:
        out.append("preview")
    if "autodialed" in modes:
        out += ["progressive", "predictive", "power"]
    if "prerecorded" in modes:
        out.append("agentless")
    return out


def covers(r):
    c = r.get("covers") or {}
    out = {}
    purposes = [p for p in c.get("purposes", []) if p in ("sales", "debt-collection", "informational")]
    if purposes and len(set(purposes)) < 3:
        out["purposes"] = sorted(set(purposes), key=["sales", "debt-collection", "informational"].index)
    modes = modes_of(r)
    if len(modes) < 3:
        out["modes"] = modes
    return out


def notes(r, extra=None):
    parts = []
    if extra:
        parts.append(extra)
    if r.get("quote"):
        parts.append("Text: " + r["quote"])
    if r.get("notes"):
        parts.append(r["notes"])
    if r.get("effectiveNote"):
        parts.append("Effective date: " + r["effectiveNote"])
    return " ".join(parts) or None


def meta(r, code, checked, new_id=None, extra_note=None):
    country, region = where(code)
    m = {
        "id": new_id or KEEP_ID.get(r["id"], r["id"]),
        "citation": r["citation"],
    }
    if r.get("url"):
        m["url"] = r["url"]
    m["effectiveFrom"] = r.get("effectiveFrom") or "unknown"
    m["checked"] = checked
    if not r.get("verified", False):
        m["verified"] = False
    if m["id"] in OFF:
        m["enabled"] = False
    m["country"] = country
    if region:
        m["region"] = region
    # Texts are calls to the FCC and to most state statutes that name them; where a statute is silent the rule still
    # covers texts, the stricter reading.
    m["channels"] = ["sms"] if (r.get("covers") or {}).get("channels") == ["sms"] else ["voice", "sms"]
    cov = covers(r)
    if cov:
        m["covers"] = cov
    n = notes(r, extra_note)
    if n:
        m["notes"] = n
    return m


def holiday(h):
    """A research holiday as an engine holiday rule, or (None, why) when the shapes cannot say it."""
    out = {"name": h["name"]}
    rule = (h.get("rule") or "").lower()
    if "date" in h:
        mm, dd = h["date"].split("-")
        out["month"], out["day"] = int(mm), int(dd)
        if "following monday" in rule:
            out["observed"] = "weekend-to-monday"
    elif "easter" in h:
        out["easter"] = h["easter"]
    elif "month" in h and "weekday" in h and "nth" in h:
        out["month"], out["weekday"], out["nth"] = h["month"], h["weekday"], h["nth"]
    elif "monday preceding may 25" in rule:
        out["month"], out["weekday"], out["onOrAfter"] = 5, "monday", 18
    elif "first monday in november" in rule:
        out["month"], out["weekday"], out["onOrAfter"] = 11, "tuesday", 2
        if "even years" in rule:
            out["years"] = "even"
        if "2027" in rule:
            out["firstYear"] = 2027
    else:
        return None, h["name"] + ": " + (h.get("rule") or "no date rule given")
    if h.get("observed") and "observed" not in out:
        out["observed"] = h["observed"]
    if h["name"].startswith("Juneteenth National Independence Day"):
        out["firstYear"] = 2021  # 36 U.S.C. and 5 U.S.C. 6103(a) from the Juneteenth National Independence Day Act, 2021
    return out, None


def build():
    research = load()
    rules = {"holidays": [], "callingWindows": [], "attemptLimits": [], "minimumGaps": [], "deviceRules": []}
    jurisdictions = []
    sunday_closing_calendars, saturday_noon_calendars = set(), set()
    for j in research:
        code, checked = j["jurisdiction"], j["checked"]
        not_modelled = []
        for r in j["rules"]:
            kind = r["kind"]
            if r["id"] in WIDER:
                r = {**r, "covers": {**(r.get("covers") or {}), **WIDER[r["id"]]},
                     "notes": (r.get("notes") or "") + " Applied to every call it could cover: the provision's title is wider than the text read."}
            if r["id"] in ONE_TRADE:
                not_modelled.append(f"{r['id']} ({r['citation']}): applies to one trade only, so not applied to every call; a tenant in that trade "
                                    f"adds it as an override. {(r.get('notes') or r.get('quote') or '')[:300]}")
                continue
            if kind == "holiday-calendar":
                cal = {"id": r["id"], "citation": r["citation"]}
                if r.get("url"):
                    cal["url"] = r["url"]
                cal["checked"] = checked
                if r.get("observed") and r["observed"] != "none":
                    cal["observed"] = r["observed"]
                if r.get("includes"):
                    cal["includes"] = r["includes"]
                hs = []
                for h in r["holidays"]:
                    rule = (h.get("rule") or "").lower()
                    if "every sunday" in rule or h["name"].lower() in ("sunday", "every sunday"):
                        sunday_closing_calendars.add(r["id"])
                        continue
                    if "saturday" in h["name"].lower() and "noon" in rule:
                        saturday_noon_calendars.add(r["id"])
                        continue
                    converted, why = holiday(h)
                    if converted:
                        hs.append(converted)
                    else:
                        not_modelled.append(f"{r['id']}: {why} (not a date the engine can compute; not applied)")
                cal["holidays"] = hs
                rules["holidays"].append(cal)
            elif kind == "calling-window":
                m = meta(r, code, checked)
                for day in ("weekdays", "saturday", "sunday", "holiday"):
                    if day in r:
                        m[day] = r[day]
                if "holidayCalendar" in r:
                    m["holidayCalendar"] = r["holidayCalendar"]
                if r["id"] in FIXED_ZONE:
                    m["timeZone"] = FIXED_ZONE[r["id"]]
                rules["callingWindows"].append(m)
            elif kind == "attempt-limit":
                per = ["person" if p == "contact" else p for p in r.get("per", ["phone"])]
                extra = []
                if "person" in per and "phone" in per:
                    per = ["person"]  # a person's count already holds every attempt to the number
                if r.get("sameSubject"):
                    extra.append("The statute counts calls on the same subject; the engine counts every call, the stricter reading.")
                if r.get("countedResults"):
                    extra.append("Counted: every attempt (the statute: " + "; ".join(r["countedResults"]) + ").")
                m = meta(r, code, checked, extra_note=" ".join(extra) or None)
                m.update({"max": r["max"], "window": r["window"], "per": per[0] if len(per) == 1 else per, "scope": "tenant"})
                rules["attemptLimits"].append(m)
            elif kind == "gap-after-result":
                after = r.get("after", "").lower()
                gap = r.get("gap", "forever")
                modes = None
                if after.startswith("hang-up"):
                    results = ["hung-up"]
                elif after.startswith("conversation"):
                    results = ["answered"]
                elif after.startswith("answering-machine"):
                    results, modes = ["answering-machine"], NO_AGENT_GUARANTEED
                elif after.startswith("abandoned"):
                    results, modes = ["abandoned"], NO_AGENT_GUARANTEED
                elif after.startswith("refusal") or after.startswith("do-not-call"):
                    results = ["dnc-request"]
                else:
                    not_modelled.append(f"{r['id']}: no re-call after \"{r.get('after')}\" (no result says so)")
                    continue
                extra = None
                if not re.fullmatch(r"P(T\d+H|\d+D)", gap) or (gap.endswith("D") and int(gap[1:-1]) > 90) or gap.startswith("P") and gap.endswith("Y"):
                    extra = (f"The statute bars the re-call {('for good' if gap == 'forever' else 'for ' + gap)}; the engine counts back 90 days at most, so "
                             "this rule holds 90 days. A dnc-request result also puts the number on the campaign's DNC list (the default strategy), "
                             "which holds it for good: keep that strategy, or a tenant-wide DNC list, for these numbers.")
                    gap = "P90D"
                m = meta(r, code, checked, extra_note=extra)
                per = ["person" if p == "contact" else p for p in r.get("per", ["phone"])]
                m.update({"afterResults": results, "gap": gap, "per": per[0]})
                if modes:
                    m["dialingModes"] = modes
                rules["minimumGaps"].append(m)
            elif kind == "consent":
                req = (r.get("requires") or "").lower()
                devices = r.get("deviceTypes") or ["any"]
                if req.startswith("prohibited") or req.startswith("no recorded-message"):
                    # An outright ban: closed every day for the calls it covers.
                    m = meta(r, code, checked, extra_note="The statute bans these calls outright (no consent makes them lawful); the rule closes every day for them.")
                    m.update({"weekdays": "closed", "saturday": "closed", "sunday": "closed"})
                    rules["callingWindows"].append(m)
                    continue
                if req.startswith("prior-express-written-consent"):
                    flag = "writtenSales"
                elif req.startswith("prior-express-consent") and devices == ["mobile"]:
                    flag = "autodialMobile"
                else:
                    flag = "automated"
                extra = None if flag != "automated" or req.startswith("prior-express-consent") else \
                    f"The statute asks for: {r.get('requires')}. The engine asks for the contact's consent to automated calls (consent.automated), which the tenant records when that condition is met."
                for device in devices:
                    suffix = "" if len(devices) == 1 else "-" + device
                    m = meta(r, code, checked, new_id=KEEP_ID.get(r["id"], r["id"]) + suffix, extra_note=extra)
                    m.update({"deviceType": device, "dialingModes": dial_modes(r), "requiresConsent": flag})
                    rules["deviceRules"].append(m)
            elif kind == "area-code-presumption":
                not_modelled.append(f"{r['id']} ({r['citation']}): the area code presumes residence. Applied everywhere: the engine applies the "
                                    "area code's state beside the address state for every number.")
            else:
                text = r.get("notes") or r.get("quote") or ""
                not_modelled.append(f"{r['id']} ({r['citation']}): {text[:400]}")
        jurisdictions.append({
            "code": code, "name": j["name"], "summary": j["summary"], "addsNothing": bool(j.get("addsNothing")), "checked": checked,
            "sources": [{"citation": s["citation"], "url": s.get("url"), "primary": bool(s.get("primary"))} for s in j.get("sourcesChecked", []) if s.get("citation")],
            "notModelled": not_modelled,
        })

    # A calendar that counts every Sunday, or every Saturday afternoon, as a holiday closes those in the rules that use it.
    for w in rules["callingWindows"]:
        cal = w.get("holidayCalendar")
        if cal in sunday_closing_calendars and w.get("holiday") == "closed":
            w["sunday"] = "closed"
        if cal in saturday_noon_calendars and w.get("holiday") == "closed":
            w["saturday"] = ["00:00-12:00"]
            w["notes"] = (w.get("notes") or "") + " Every Saturday afternoon is a half-holiday in the holiday statute: Saturday calls end at 12:00."

    for js in jurisdictions:
        for s in js["sources"]:
            if s["url"] is None:
                del s["url"]
    order = {"US": 0, "CA": 1, "GB": 2}
    jurisdictions.sort(key=lambda j: (order.get(j["code"].split("-")[0], 9), "-" in j["code"], j["code"]))
    return {
        "id": "cxc-defaults",
        "version": 2,
        "name": "CX Contact shipped defaults: US federal and every state and DC, Canada and every province and territory, United Kingdom",
        "description": "Built by eng/compliance/build-default-rules.py from docs/compliance/research (checked 2026-12-01). Only primary sources count; "
                       "rules whose primary text could not be read say verified: false, with what was read in their notes. Not legal advice.",
        "jurisdictions": jurisdictions,
        **rules,
    }


def main():
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        current = open(OUT, encoding="utf-8").read()
        if current != text:
            print("default-rules.json is out of date: run python3 eng/compliance/build-default-rules.py", file=sys.stderr)
            return 1
        return 0
    open(OUT, "w", encoding="utf-8").write(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
