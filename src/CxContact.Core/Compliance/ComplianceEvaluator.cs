using System.Globalization;
using CxContact.Core.Phones;
using CxContact.Core.Tenancy;

namespace CxContact.Core.Compliance;

/// <summary>
/// Decides one proposed attempt against a rule set: allow or deny, every rule that denied and why, and the
/// earliest instant at which the same attempt would pass every rule. Pure and thread-safe: build one per
/// rule-set version and share it.
/// </summary>
public sealed class ComplianceEvaluator
{
    public const string LocationUnknown = "location-unknown";
    public const string TimeZoneUnknown = "time-zone-unknown";
    public const string ComplianceUnavailable = "compliance-unavailable";
    public const string ComplianceRebuilding = "compliance-rebuilding";

    // Windows repeat weekly, so two weeks past the last attempt-driven wait covers every weekly pattern plus a
    // holiday run; a later first-allowed instant is reported as "not within the horizon" (null).
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(14);
    private static readonly TimeSpan MaxLookAhead = TimeSpan.FromDays(400);

    private readonly RuleSet _rules;
    private readonly Dictionary<string, HolidayCalendar> _calendars;
    // A calendar's days are computed once per year and kept: evaluation runs on many threads at once.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Calendar, int Year), HashSet<DateOnly>> _holidays = new();

    public ComplianceEvaluator(RuleSet rules)
    {
        _rules = rules;
        _calendars = new Dictionary<string, HolidayCalendar>(StringComparer.Ordinal);
        foreach (var c in rules.Holidays)
            _calendars[c.Id] = c;
    }

    /// <summary>Whether <paramref name="date"/> is a day of the calendar (its holidays, their observed days, and the calendars it includes).</summary>
    public bool IsHoliday(string calendarId, DateOnly date) =>
        _holidays.GetOrAdd((calendarId, date.Year), k => HolidayDates.DaysIn(k.Calendar, k.Year, _calendars)).Contains(date);

    public RuleSet Rules => _rules;

    /// <summary>Fail closed: what to answer when the rule set or the suppression index cannot be read.</summary>
    public static Decision Unavailable(string why, string ruleSetVersion) =>
        new(false, new[] { new DecisionReason(ComplianceUnavailable, why) }, null, Array.Empty<string>(), ruleSetVersion);

    /// <summary>
    /// Deny while the compliance data in Redis is being rebuilt from PostgreSQL (it was lost): no answer can be read yet,
    /// and when it can is not known, so there is no next allowed time.
    /// </summary>
    public static Decision Rebuilding(string why, string ruleSetVersion) =>
        new(false, new[] { new DecisionReason(ComplianceRebuilding, why) }, null, Array.Empty<string>(), ruleSetVersion);

    public Decision Evaluate(ComplianceInput input)
    {
        var version = _rules.VersionTag;
        var zoneIds = input.TimeZones.Where(z => !string.IsNullOrWhiteSpace(z)).Select(z => z.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        var country = input.Country?.Trim().ToUpperInvariant() ?? "";
        if (!TenantSettingsRules.IsIsoCountry(country))
        {
            return new Decision(false,
                new[] { new DecisionReason(LocationUnknown, $"the country \"{input.Country}\" is not an ISO 3166-1 alpha-2 code, so no calling rules can be chosen") },
                null, zoneIds, version);
        }

        var zones = new List<Zone>(zoneIds.Length);
        var unknown = new List<string>();
        foreach (var id in zoneIds)
        {
            if (ZoneClock.Find(id) is { } tz) zones.Add(new Zone(id, tz));
            else unknown.Add(id);
        }
        if (unknown.Count > 0)
        {
            return new Decision(false,
                new[] { new DecisionReason(TimeZoneUnknown, $"{string.Join(", ", unknown.Select(u => $"\"{u}\""))} {(unknown.Count == 1 ? "is not a known IANA time zone" : "are not known IANA time zones")}, so local calling hours cannot be checked") },
                null, zoneIds, version);
        }

        var ctx = Context.For(input, country, zones);
        var reasons = new List<DecisionReason>();
        var permanent = Check(ctx, input.At, reasons);
        if (reasons.Count == 0)
            return new Decision(true, Array.Empty<DecisionReason>(), input.At, zoneIds, version) { Jurisdictions = ctx.Jurisdictions() };
        return new Decision(false, reasons, permanent ? null : FindNextAllowed(ctx), zoneIds, version) { Jurisdictions = ctx.Jurisdictions() };
    }

    /// <summary>
    /// The widest local window, in seconds since midnight in the first candidate zone, inside which some day of the
    /// 7 starting at <paramref name="from"/> lets the calling-window rules allow a call in every candidate zone. It is
    /// what a preload writes as daily_from / daily_till: a superset, so it never hides a callable record, while the
    /// exact day's rules (and attempts and devices) are checked when the record is leased. Null when no moment of
    /// the week is callable, or the country or a zone is unknown.
    /// Only calling windows count here: attempts, gaps and consent are the lease's to decide per record (with no
    /// dialing mode or consent known here, a consent rule would otherwise close every hour of the week).
    /// </summary>
    /// <param name="phoneRegion">The region of the number's area code, applied beside the address region as a lease applies it.</param>
    /// <param name="purpose">The campaign's purpose, so that windows for other kinds of call do not narrow it.</param>
    /// <param name="mode">The campaign's dialing mode, likewise.</param>
    public (int From, int Till)? WeeklyEnvelope(string country, string? region, IReadOnlyList<string> zoneIds, Channel channel, DateTimeOffset from,
        string? phoneRegion = null, CallPurpose? purpose = null, DialingMode? mode = null)
    {
        country = country.Trim().ToUpperInvariant();
        if (!TenantSettingsRules.IsIsoCountry(country) || zoneIds.Count == 0) return null;
        var zones = new List<Zone>(zoneIds.Count);
        foreach (var id in zoneIds)
        {
            if (ZoneClock.Find(id) is not { } tz) return null;
            zones.Add(new Zone(id, tz));
        }
        var input = new ComplianceInput
        {
            At = from, Country = country, Region = region, TimeZones = zoneIds, Channel = channel, PhoneRegion = phoneRegion, Purpose = purpose, DialingMode = mode,
        };
        var ctx = Context.For(input, country, zones);
        var first = zones[0].Info;
        var start = ZoneClock.LocalDate(from, first);
        int? lo = null, hi = null;
        for (var day = 0; day < 7; day++)
        {
            var date = start.AddDays(day);
            var dayStart = ZoneClock.Instants(date, TimeSpan.Zero, first).First();
            var dayEnd = ZoneClock.Instants(date.AddDays(1), TimeSpan.Zero, first).First();
            var points = new SortedSet<DateTimeOffset> { dayStart, dayEnd };
            foreach (var rule in _rules.CallingWindows)
            {
                if (!rule.Enabled || !Matches(ctx, rule.Country, rule.Region, rule.Channels, rule.Covers)) continue;
                var ruleZones = rule.TimeZone is null ? zones : ZoneClock.Find(rule.TimeZone) is { } fixedZone ? [new Zone(rule.TimeZone, fixedZone)] : [];
                foreach (var z in ruleZones)
                    for (var d = date.AddDays(-1); d <= date.AddDays(1); d = d.AddDays(1))
                        foreach (var w in WindowsFor(rule, d).Windows)
                            foreach (var edge in (TimeSpan[])[w.Start, w.End])
                                foreach (var instant in ZoneClock.Instants(d, edge, z.Info))
                                    if (instant > dayStart && instant < dayEnd) points.Add(instant);
            }
            DateTimeOffset? previous = null;
            foreach (var p in points)
            {
                if (previous is { } a && !Check(ctx, a + (p - a) / 2, null, windowsOnly: true))
                {
                    var fromSeconds = (int)TimeZoneInfo.ConvertTime(a, first).TimeOfDay.TotalSeconds; // wall clock, right on DST days
                    var tillSeconds = p == dayEnd ? 86_400 : (int)TimeZoneInfo.ConvertTime(p, first).TimeOfDay.TotalSeconds;
                    lo = lo is null ? fromSeconds : Math.Min(lo.Value, fromSeconds);
                    hi = hi is null ? tillSeconds : Math.Max(hi.Value, tillSeconds);
                }
                previous = p;
            }
        }
        return lo is null ? null : (lo.Value, Math.Min(hi!.Value, 86_400));
    }

    private sealed record Zone(string Id, TimeZoneInfo Info);

    /// <summary>
    /// One attempt as the rules see it: the country, every region that can apply (the address's and the one the area
    /// code gives; the strictest combination wins, because each applies its own rules), and the call's purpose and mode
    /// (unknown ones are covered by every rule).
    /// </summary>
    private sealed record Context(ComplianceInput Input, string Country, IReadOnlyList<(string Region, string Why)> Regions, IReadOnlyList<Zone> Zones,
        CallMode? Mode)
    {
        public static Context For(ComplianceInput input, string country, IReadOnlyList<Zone> zones)
        {
            var regions = new List<(string Region, string Why)>(2);
            if (ComplianceRegions.Normalize(country, input.Region) is { } address) regions.Add((address, "address"));
            if (ComplianceRegions.Normalize(country, input.PhoneRegion) is { } phone)
            {
                var why = input.AreaCode is { } code ? $"area code {code}" : "phone number";
                var at = regions.FindIndex(r => r.Region == phone);
                if (at >= 0) regions[at] = (phone, $"address and {why}");
                else regions.Add((phone, why));
            }
            return new Context(input, country, regions, zones, RuleCoverage.ModeOf(input.DialingMode));
        }

        public IReadOnlyList<AttemptRecord> Attempts(AttemptCountPer per) => per switch
        {
            AttemptCountPer.Contact => Input.ContactAttempts,
            AttemptCountPer.ClientId => Input.ClientIdAttempts,
            AttemptCountPer.Person => Person(),
            _ => Input.PhoneAttempts,
        };

        // The person by every key known: contact id, client id, and the number itself (when nothing else names the
        // person, the number is the best stand-in). An attempt known under several keys counts once.
        private IReadOnlyList<AttemptRecord> Person()
        {
            var seen = new HashSet<object>();
            var all = new List<AttemptRecord>(Input.ContactAttempts.Count + Input.ClientIdAttempts.Count + Input.PhoneAttempts.Count);
            foreach (var a in Input.ContactAttempts.Concat(Input.ClientIdAttempts).Concat(Input.PhoneAttempts))
                if (seen.Add(a.Id is { } id ? id : (a.At, a.Result, a.Campaign))) all.Add(a);
            return all;
        }

        /// <summary>The region a rule was matched by, with why it applies ("FL (area code 305)").</summary>
        public string Where(string? country, string? region)
        {
            if (region is null) return country ?? "the rule set";
            foreach (var (r, why) in Regions)
                if (string.Equals(r, region, StringComparison.OrdinalIgnoreCase)) return $"{country}-{r} ({why})";
            return $"{country}-{region}";
        }

        public IReadOnlyList<string> Jurisdictions() => [Country, .. Regions.Select(r => $"{Country}-{r.Region} ({r.Why})")];
    }

    private bool Matches(Context ctx, string? country, string? region, IReadOnlyList<Channel> channels, RuleCoverage covers) =>
        (country is null || string.Equals(country, ctx.Country, StringComparison.OrdinalIgnoreCase))
        && (region is null || ctx.Regions.Any(r => string.Equals(r.Region, region, StringComparison.OrdinalIgnoreCase)))
        && channels.Contains(ctx.Input.Channel)
        && covers.Covers(ctx.Input.Purpose, ctx.Mode);

    // Rules that are not per zone are in force when the latest local date among the candidates has reached
    // their start: when in doubt, the rule applies.
    private static bool InForce(Context ctx, DateTimeOffset t, DateOnly effectiveFrom)
    {
        var date = DateOnly.FromDateTime(t.UtcDateTime);
        foreach (var z in ctx.Zones)
        {
            var local = ZoneClock.LocalDate(t, z.Info);
            if (local > date) date = local;
        }
        return date >= effectiveFrom;
    }

    /// <summary>
    /// With <paramref name="reasons"/>: appends one reason per denying rule and returns true when no wait can lift
    /// a denial. Without (the nextAllowedAt search): stops at the first denial and returns whether there was one.
    /// </summary>
    private bool Check(Context ctx, DateTimeOffset t, List<DecisionReason>? reasons, bool windowsOnly = false)
    {
        var permanent = false;
        var denied = false;
        bool Deny(string rule, Func<string> detail, bool forever = false)
        {
            denied = true;
            permanent |= forever;
            reasons?.Add(new DecisionReason(rule, detail()));
            return reasons is null; // when only a yes/no is wanted, the first denial settles it
        }

        var unzoned = new List<string>();
        foreach (var rule in _rules.CallingWindows)
        {
            if (!rule.Enabled || !Matches(ctx, rule.Country, rule.Region, rule.Channels, rule.Covers))
                continue;
            if (rule.TimeZone is null && ctx.Zones.Count == 0)
            {
                unzoned.Add(rule.Id);
                continue;
            }
            var zones = rule.TimeZone is null
                ? ctx.Zones
                : ZoneClock.Find(rule.TimeZone) is { } fixedZone ? [new Zone(rule.TimeZone, fixedZone)] : null;
            if (zones is null)
            {
                if (Deny(rule.Id, () => $"the rule's time zone \"{rule.TimeZone}\" is not a known IANA zone", forever: true)) return true;
                continue;
            }

            List<string>? outside = null;
            foreach (var z in zones)
            {
                var local = TimeZoneInfo.ConvertTime(t, z.Info);
                var date = DateOnly.FromDateTime(local.DateTime);
                if (date < rule.EffectiveFrom)
                    continue;
                var (windows, holiday) = WindowsFor(rule, date);
                var tod = local.TimeOfDay;
                if (windows.Any(w => w.Contains(tod)))
                    continue;
                if (reasons is null)
                    return true;
                (outside ??= []).Add(DescribeOutside(rule, z.Id, local, date, windows, holiday, ctx.Where(rule.Country, rule.Region)));
            }
            if (outside is not null)
                Deny(rule.Id, () => string.Join("; ", outside));
        }
        if (unzoned.Count > 0 && Deny(LocationUnknown, () =>
                $"no time zone is known for this contact, so local calling hours ({string.Join(", ", unzoned)}) cannot be checked; give a tz, a postal code or a phone number that locates it",
                forever: true))
            return true;
        if (windowsOnly)
            return permanent || (reasons is null && denied);

        foreach (var rule in _rules.AttemptLimits)
        {
            if (!rule.Enabled || !Matches(ctx, rule.Country, rule.Region, rule.Channels, rule.Covers) || !InForce(ctx, t, rule.EffectiveFrom))
                continue;
            var campaign = rule.Scope == AttemptScope.Campaign ? ctx.Input.CampaignId : null;
            foreach (var per in rule.Per)
            {
                var counted = CountedInWindow(rule, ctx.Attempts(per), campaign, t);
                if (counted.Count < rule.Max)
                    continue;
                if (Deny(rule.Id, () =>
                    {
                        var frees = counted[counted.Count - rule.Max].At + rule.Window;
                        var what = rule.CountedResults is null ? "attempts" : $"counted attempts ({string.Join(", ", rule.CountedResults)})";
                        return $"{counted.Count} {what} to this {PerName(per)}{(campaign is null ? "" : " in this campaign")} in the {IsoDuration.Describe(rule.Window)} up to {Utc(t)}; "
                            + $"{ctx.Where(rule.Country, rule.Region)} allows at most {rule.Max} per {IsoDuration.Describe(rule.Window)}; another is allowed from {Utc(frees)}";
                    }))
                    return true;
                break; // one reason per rule
            }
        }

        var mode = ctx.Input.DialingMode;
        foreach (var rule in _rules.MinimumGaps)
        {
            if (!rule.Enabled || !Matches(ctx, rule.Country, rule.Region, rule.Channels, rule.Covers) || !InForce(ctx, t, rule.EffectiveFrom))
                continue;
            if (rule.DialingModes is not null && mode is { } m && !rule.DialingModes.Contains(m))
                continue;
            AttemptRecord? last = null;
            foreach (var a in ctx.Attempts(rule.Per))
                if (a.Result is not null && a.At + rule.Gap > t && rule.AfterResults.Contains(a.Result, StringComparer.OrdinalIgnoreCase)
                    && (last is null || a.At > last.At))
                    last = a;
            if (last is null)
                continue;
            if (Deny(rule.Id, () =>
                    $"the {PerName(rule.Per)} had a \"{last.Result}\" attempt at {Utc(last.At)}; {ctx.Where(rule.Country, rule.Region)} allows no re-call "
                    + $"within {IsoDuration.Describe(rule.Gap)} of it{(rule.DialingModes is null ? "" : $" in {string.Join("/", rule.DialingModes.Select(x => x.ToWire()))} mode")}, "
                    + $"so not before {Utc(last.At + rule.Gap)}"))
                return true;
        }

        foreach (var rule in _rules.DeviceRules)
        {
            if (!rule.Enabled || !Matches(ctx, rule.Country, rule.Region, rule.Channels, rule.Covers) || !InForce(ctx, t, rule.EffectiveFrom))
                continue;
            if ((rule.DeviceType is { } device && device != ctx.Input.DeviceType) || (mode is { } m && !rule.DialingModes.Contains(m)))
                continue;
            var consent = rule.RequiresConsent switch
            {
                RuleSets.AutodialMobileConsent => ctx.Input.AutodialMobileConsent,
                RuleSets.WrittenSalesConsent => ctx.Input.WrittenSalesConsent,
                // Written consent to automated sales calls is also consent to automated calls.
                RuleSets.AutomatedConsent => ctx.Input.AutomatedConsent == true || ctx.Input.WrittenSalesConsent == true ? true : ctx.Input.AutomatedConsent,
                _ => null,
            };
            if (consent == true)
                continue;
            if (Deny(rule.Id, () =>
                    $"{(mode is null ? "an attempt with no dialing mode given (treated as autodialed)" : $"a {mode.Value.ToWire()} attempt")} "
                    + $"by {ctx.Input.Channel.ToWire()} to {(rule.DeviceType is { } d ? $"a {d.ToWire()}" : "any device")} "
                    + $"{(rule.Covers.IsAll ? "" : $"({rule.Covers}) ")}in {ctx.Where(rule.Country, rule.Region)} needs \"{rule.RequiresConsent}\" consent, "
                    + $"and the contact's consent is {(consent is null ? "not recorded" : "false")}",
                    forever: true))
                return true;
        }

        return permanent || (reasons is null && denied);
    }

    private (IReadOnlyList<TimeWindow> Windows, string? Holiday) WindowsFor(CallingWindowRule rule, DateOnly date)
    {
        if (rule.Holiday is not null && rule.HolidayCalendar is not null && IsHoliday(rule.HolidayCalendar, date))
            return (rule.Holiday, rule.HolidayCalendar);
        return date.DayOfWeek switch
        {
            DayOfWeek.Saturday when rule.Saturday is not null => (rule.Saturday, null),
            DayOfWeek.Sunday when rule.Sunday is not null => (rule.Sunday, null),
            _ => (rule.Weekdays, null),
        };
    }

    private static string DescribeOutside(CallingWindowRule rule, string zone, DateTimeOffset local, DateOnly date, IReadOnlyList<TimeWindow> windows, string? holiday,
        string where)
    {
        var day = holiday is null
            ? $"on {date.DayOfWeek}s"
            : $"on holidays ({date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} is in {holiday})";
        var allowed = windows.Count == 0 ? "no calls" : $"calls {string.Join(", ", windows)}";
        return $"it is {local.ToString("HH:mm", CultureInfo.InvariantCulture)} on {date.DayOfWeek} {date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} in {zone}; "
            + $"{(rule.TimeZone is null ? where : $"rule {rule.Id}")} allows {allowed} {day}{(rule.Covers.IsAll ? "" : $" for {rule.Covers}")}";
    }

    // Attempts stamped after t still count: a dialer's clock running ahead must not free an extra attempt.
    /// <summary>The attempts a limit counts at <paramref name="t"/>, oldest first; only <paramref name="campaign"/>'s when one is given.</summary>
    private static List<AttemptRecord> CountedInWindow(AttemptLimitRule rule, IReadOnlyList<AttemptRecord> attempts, string? campaign, DateTimeOffset t)
    {
        var since = t - rule.Window;
        var counted = new List<AttemptRecord>();
        foreach (var a in attempts)
            if (a.At > since && (campaign is null || string.Equals(a.Campaign, campaign, StringComparison.OrdinalIgnoreCase))
                && (rule.CountedResults is null || (a.Result is not null && rule.CountedResults.Contains(a.Result, StringComparer.OrdinalIgnoreCase))))
                counted.Add(a);
        counted.Sort((x, y) => x.At.CompareTo(y.At));
        return counted;
    }

    /// <summary>
    /// The allowed instants form intervals whose starts are always one of: a window start in some zone, the
    /// moment an attempt leaves a rolling window, or the end of a gap. So trying those in order, each checked
    /// against every rule, finds the exact earliest allowed instant.
    /// </summary>
    private DateTimeOffset? FindNextAllowed(Context ctx)
    {
        var at = ctx.Input.At;
        var candidates = new SortedSet<DateTimeOffset>();
        var latest = at;
        void AddTimed(DateTimeOffset c)
        {
            if (c <= at || c > at + MaxLookAhead) return;
            candidates.Add(c);
            if (c > latest) latest = c;
        }

        foreach (var rule in _rules.AttemptLimits)
            if (rule.Enabled && Matches(ctx, rule.Country, rule.Region, rule.Channels, rule.Covers))
                foreach (var per in rule.Per)
                    foreach (var a in ctx.Attempts(per))
                        AddTimed(a.At + rule.Window);
        foreach (var rule in _rules.MinimumGaps)
            if (rule.Enabled && Matches(ctx, rule.Country, rule.Region, rule.Channels, rule.Covers))
                foreach (var a in ctx.Attempts(rule.Per))
                    AddTimed(a.At + rule.Gap);

        var until = latest + Horizon;
        foreach (var rule in _rules.CallingWindows)
        {
            if (!rule.Enabled || !Matches(ctx, rule.Country, rule.Region, rule.Channels, rule.Covers))
                continue;
            var zones = rule.TimeZone is null ? ctx.Zones : ZoneClock.Find(rule.TimeZone) is { } tz ? [new Zone(rule.TimeZone, tz)] : [];
            foreach (var z in zones)
            {
                var last = ZoneClock.LocalDate(until, z.Info);
                for (var date = ZoneClock.LocalDate(at, z.Info); date <= last; date = date.AddDays(1))
                    foreach (var w in WindowsFor(rule, date).Windows)
                        foreach (var instant in ZoneClock.Instants(date, w.Start, z.Info))
                            if (instant > at && instant <= until)
                                candidates.Add(instant);
            }
        }

        foreach (var c in candidates)
            if (!Check(ctx, c, null))
                return c;
        return null;
    }

    private static string PerName(AttemptCountPer per) => per switch
    {
        AttemptCountPer.Contact => "contact",
        AttemptCountPer.ClientId => "client id",
        AttemptCountPer.Person => "person (across their numbers)",
        _ => "phone",
    };

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
