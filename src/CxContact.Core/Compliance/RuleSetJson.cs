using System.Globalization;
using System.Text;
using System.Text.Json;
using CxContact.Core.Phones;

namespace CxContact.Core.Compliance;

/// <summary>
/// Reads and writes the rule-set document by hand rather than through serializer attributes, so that every
/// error names its JSON path and unknown properties are refused: a misspelt "satruday" must not silently
/// leave Saturdays open.
/// </summary>
internal static class RuleSetJson
{
    public const string Closed = "closed";
    public const string Unknown = "unknown";

    public static RuleSet Read(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new RuleSetException(e.Path ?? "", $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}");
        }

        using (doc)
        {
            var root = new Node(doc.RootElement, "");
            root.Only("id", "version", "name", "description", "jurisdictions", "callingWindows", "holidays", "attemptLimits", "minimumGaps", "deviceRules");
            return new RuleSet
            {
                Id = root.RequiredString("id"),
                Version = root.RequiredInt("version"),
                Name = root.RequiredString("name"),
                CallingWindows = root.List("callingWindows", ReadWindowRule),
                Holidays = root.List("holidays", ReadCalendar),
                AttemptLimits = root.List("attemptLimits", ReadAttemptLimit),
                MinimumGaps = root.List("minimumGaps", ReadGap),
                DeviceRules = root.List("deviceRules", ReadDeviceRule),
                Jurisdictions = root.List("jurisdictions", ReadJurisdiction),
            };
        }
    }

    // Every rule may say where it applies as "jurisdiction" ("US", "US-FL") or as "country" and "region"; which calls it
    // covers ("covers"); and where its text is ("url") and when that was last read ("checked").
    private static readonly string[] Meta = ["id", "citation", "effectiveFrom", "enabled", "jurisdiction", "country", "region", "channels", "covers", "url", "checked",
        "verified", "notes"];

    private static string[] With(params string[] names) => [.. Meta, .. names];

    private static (string? Country, string? Region) Where(Node n)
    {
        if (n.Child("jurisdiction") is not { } j) return (n.OptionalString("country"), n.OptionalString("region"));
        if (n.Child("country") is not null || n.Child("region") is not null)
            throw j.Bad("give either jurisdiction or country and region, not both");
        var code = j.AsString().Trim();
        var dash = code.IndexOf('-');
        return dash < 0 ? (code, null) : (code[..dash], code[(dash + 1)..]);
    }

    private static CallingWindowRule ReadWindowRule(Node n)
    {
        n.Only(With("weekdays", "saturday", "sunday", "holiday", "holidayCalendar", "timeZone"));
        var (country, region) = Where(n);
        return new CallingWindowRule
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            EffectiveFrom = n.EffectiveFrom(),
            Enabled = n.OptionalBool("enabled") ?? true,
            Country = country ?? throw n.Missing("country"),
            Region = region,
            Channels = n.ChannelsOrDefault(),
            Covers = n.Coverage(),
            Url = n.OptionalString("url"),
            Checked = n.OptionalDate("checked"),
            Verified = n.OptionalBool("verified") ?? true,
            Notes = n.OptionalString("notes"),
            Weekdays = n.Windows("weekdays") ?? throw n.Missing("weekdays"),
            Saturday = n.Windows("saturday"),
            Sunday = n.Windows("sunday"),
            Holiday = n.Windows("holiday"),
            HolidayCalendar = n.OptionalString("holidayCalendar"),
            TimeZone = n.OptionalString("timeZone"),
        };
    }

    private static Jurisdiction ReadJurisdiction(Node n)
    {
        n.Only("code", "name", "summary", "addsNothing", "checked", "sources", "notModelled");
        return new Jurisdiction
        {
            Code = n.RequiredString("code"),
            Name = n.RequiredString("name"),
            Summary = n.RequiredString("summary"),
            AddsNothing = n.OptionalBool("addsNothing") ?? false,
            Checked = n.RequiredDate("checked"),
            Sources = n.List("sources", x =>
            {
                x.Only("citation", "url", "primary");
                return new LegalSource(x.RequiredString("citation"), x.OptionalString("url"), x.OptionalBool("primary") ?? false);
            }),
            NotModelled = n.List("notModelled", x => x.AsString()),
        };
    }

    private static HolidayCalendar ReadCalendar(Node n)
    {
        n.Only("id", "citation", "url", "checked", "dates", "holidays", "observed", "includes");
        var calendar = new HolidayCalendar
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            Url = n.OptionalString("url"),
            Checked = n.OptionalDate("checked"),
            Dates = n.List("dates", d => d.AsDate()),
            Holidays = n.List("holidays", ReadHoliday),
            Observed = n.Child("observed") is { } o ? o.AsObserved() : ObservedPolicy.None,
            Includes = n.List("includes", x => x.AsString()),
        };
        return calendar.Dates.Count + calendar.Holidays.Count + calendar.Includes.Count > 0
            ? calendar : throw n.Bad("needs dates, holidays or includes: a calendar without days would close nothing");
    }

    private static HolidayRule ReadHoliday(Node n)
    {
        n.Only("name", "month", "day", "weekday", "nth", "onOrAfter", "easter", "observed", "firstYear", "lastYear", "years", "notes");
        var holiday = new HolidayRule
        {
            Name = n.RequiredString("name"),
            Month = n.OptionalInt("month"),
            Day = n.OptionalInt("day"),
            Weekday = n.Child("weekday") is { } w ? w.AsWeekday() : null,
            Nth = n.OptionalInt("nth"),
            OnOrAfter = n.OptionalInt("onOrAfter"),
            Easter = n.OptionalInt("easter"),
            Observed = n.Child("observed") is { } o ? o.AsObserved() : null,
            FirstYear = n.OptionalInt("firstYear"),
            LastYear = n.OptionalInt("lastYear"),
            Years = n.OptionalString("years"),
        };
        return HolidayDates.Problem(holiday) is { } problem ? throw n.Bad(problem) : holiday;
    }

    private static AttemptLimitRule ReadAttemptLimit(Node n)
    {
        n.Only(With("max", "window", "per", "scope", "countedResults"));
        var (country, region) = Where(n);
        return new AttemptLimitRule
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            EffectiveFrom = n.EffectiveFrom(),
            Enabled = n.OptionalBool("enabled") ?? true,
            Country = country,
            Region = region,
            Channels = n.ChannelsOrDefault(),
            Covers = n.Coverage(),
            Url = n.OptionalString("url"),
            Checked = n.OptionalDate("checked"),
            Verified = n.OptionalBool("verified") ?? true,
            Notes = n.OptionalString("notes"),
            Max = n.RequiredInt("max"),
            Window = n.RequiredDuration("window"),
            Per = n.PerList("per"),
            Scope = n.Child("scope") is { } s ? s.AsEnum("scope", ("tenant", AttemptScope.Tenant), ("campaign", AttemptScope.Campaign)) : AttemptScope.Tenant,
            CountedResults = n.Child("countedResults") is { } c ? c.AsList(x => x.AsString()) : null,
        };
    }

    private static MinimumGapRule ReadGap(Node n)
    {
        n.Only(With("afterResults", "gap", "per", "dialingModes"));
        var (country, region) = Where(n);
        var per = n.PerList("per");
        return new MinimumGapRule
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            EffectiveFrom = n.EffectiveFrom(),
            Enabled = n.OptionalBool("enabled") ?? true,
            Country = country,
            Region = region,
            Channels = n.ChannelsOrDefault(),
            Covers = n.Coverage(),
            Url = n.OptionalString("url"),
            Checked = n.OptionalDate("checked"),
            Verified = n.OptionalBool("verified") ?? true,
            Notes = n.OptionalString("notes"),
            AfterResults = n.List("afterResults", x => x.AsString(), required: true),
            Gap = n.RequiredDuration("gap"),
            Per = per.Count == 1 ? per[0] : throw n.Child("per")!.Bad("a gap follows one kind of subject: phone, contact, clientId or person"),
            DialingModes = n.Child("dialingModes") is { } m ? m.AsList(x => x.AsDialingMode()) : null,
        };
    }

    private static DeviceRule ReadDeviceRule(Node n)
    {
        n.Only(With("deviceType", "dialingModes", "requiresConsent"));
        var (country, region) = Where(n);
        var deviceNode = n.Child("deviceType") ?? throw n.Missing("deviceType");
        var device = deviceNode.AsString();
        return new DeviceRule
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            EffectiveFrom = n.EffectiveFrom(),
            Enabled = n.OptionalBool("enabled") ?? true,
            Country = country,
            Region = region,
            Channels = n.ChannelsOrDefault(),
            Covers = n.Coverage(),
            Url = n.OptionalString("url"),
            Checked = n.OptionalDate("checked"),
            Verified = n.OptionalBool("verified") ?? true,
            Notes = n.OptionalString("notes"),
            DeviceType = device == "any" ? null
                : DeviceTypes.TryParse(device, out var t) ? t : throw deviceNode.Bad("is not a device type (any, mobile, landline, voip, toll-free, unknown)"),
            DialingModes = n.List("dialingModes", x => x.AsDialingMode(), required: true),
            RequiresConsent = n.RequiredString("requiresConsent"),
        };
    }

    private sealed class Node(JsonElement element, string path)
    {
        public string Path => path;
        private JsonElement Element => element;

        public RuleSetException Bad(string problem) => new(path, problem);
        public RuleSetException Missing(string name) => new(Join(name), "is required");

        private string Join(string name) => path.Length == 0 ? name : $"{path}.{name}";

        public void Only(params string[] names)
        {
            if (element.ValueKind != JsonValueKind.Object)
                throw Bad("must be an object");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in element.EnumerateObject())
            {
                if (Array.IndexOf(names, p.Name) < 0)
                    throw new RuleSetException(Join(p.Name), $"is not a known property here (expected one of: {string.Join(", ", names)})");
                // A repeated key would let one value silently win over another (say, a second "sunday").
                if (!seen.Add(p.Name))
                    throw new RuleSetException(Join(p.Name), "appears twice");
            }
        }

        public Node? Child(string name) =>
            element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? new Node(v, Join(name)) : null;

        public string AsString() =>
            element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Bad("must be a string");

        public DateOnly AsDate() =>
            DateOnly.TryParseExact(AsString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d : throw Bad("must be a date in the form yyyy-MM-dd");

        public DialingMode AsDialingMode() =>
            DialingModes.TryParse(AsString(), out var m) ? m : throw Bad("is not a dialing mode (preview, progressive, predictive, power, agentless)");

        public T AsEnum<T>(string what, params (string Wire, T Value)[] values)
        {
            var s = AsString();
            foreach (var (wire, value) in values)
                if (string.Equals(wire, s, StringComparison.OrdinalIgnoreCase))
                    return value;
            throw Bad($"is not a {what} ({string.Join(", ", values.Select(v => v.Wire))})");
        }

        public IReadOnlyList<T> AsList<T>(Func<Node, T> read)
        {
            if (element.ValueKind != JsonValueKind.Array)
                throw Bad("must be an array");
            var list = new List<T>(element.GetArrayLength());
            var i = 0;
            foreach (var item in element.EnumerateArray())
                list.Add(read(new Node(item, $"{path}[{i++}]")));
            return list;
        }

        public IReadOnlyList<T> List<T>(string name, Func<Node, T> read, bool required = false) =>
            Child(name) is { } c ? c.AsList(read) : required ? throw Missing(name) : [];

        public string RequiredString(string name) => (Child(name) ?? throw Missing(name)).AsString();
        public string? OptionalString(string name) => Child(name)?.AsString();
        public DateOnly RequiredDate(string name) => (Child(name) ?? throw Missing(name)).AsDate();
        public DateOnly? OptionalDate(string name) => Child(name)?.AsDate();

        /// <summary>"yyyy-MM-dd", or "unknown" where the research found no date: the rule then applies to every date.</summary>
        public DateOnly EffectiveFrom() =>
            (Child("effectiveFrom") ?? throw Missing("effectiveFrom")) is var c && c.AsString() == Unknown ? DateOnly.MinValue : c.AsDate();

        public int? OptionalInt(string name)
        {
            if (Child(name) is not { } c) return null;
            return c.Element.ValueKind == JsonValueKind.Number && c.Element.TryGetInt32(out var v) ? v : throw c.Bad("must be a whole number");
        }

        public DayOfWeek AsWeekday() => AsEnum("weekday", ("monday", DayOfWeek.Monday), ("tuesday", DayOfWeek.Tuesday), ("wednesday", DayOfWeek.Wednesday),
            ("thursday", DayOfWeek.Thursday), ("friday", DayOfWeek.Friday), ("saturday", DayOfWeek.Saturday), ("sunday", DayOfWeek.Sunday));

        public ObservedPolicy AsObserved() => AsEnum("observed-day policy", ("none", ObservedPolicy.None), ("sunday-to-monday", ObservedPolicy.SundayToMonday),
            ("weekend-to-nearest-weekday", ObservedPolicy.WeekendToNearestWeekday), ("weekend-to-monday", ObservedPolicy.WeekendToMonday));

        /// <summary>{"purposes": [...], "modes": [...]}; either left out means all of them.</summary>
        public RuleCoverage Coverage()
        {
            if (Child("covers") is not { } c) return RuleCoverage.All;
            c.Only("purposes", "modes");
            var purposes = c.Child("purposes") is { } p
                ? p.AsList(x => CallPurposes.TryParse(x.AsString(), out var v) ? v : throw x.Bad("is not a call purpose (sales, debt-collection, informational)"))
                : RuleCoverage.AllPurposes;
            var modes = c.Child("modes") is { } m
                ? m.AsList(x => CallPurposes.TryParseModes(x.AsString(), out var v) ? v : throw x.Bad("is not a call mode (live, autodialed, prerecorded, or automated for both)"))
                    .SelectMany(x => x).Distinct().ToList()
                : RuleCoverage.AllModes;
            return new RuleCoverage(purposes, modes);
        }

        public int RequiredInt(string name)
        {
            var c = Child(name) ?? throw Missing(name);
            return c.Element.ValueKind == JsonValueKind.Number && c.Element.TryGetInt32(out var v) ? v : throw c.Bad("must be a whole number");
        }

        public bool? OptionalBool(string name) => Child(name) is { } c
            ? c.Element.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw c.Bad("must be true or false") }
            : null;

        public TimeSpan RequiredDuration(string name)
        {
            var c = Child(name) ?? throw Missing(name);
            return IsoDuration.TryParse(c.AsString(), out var d)
                ? d : throw c.Bad("must be an ISO-8601 duration in weeks, days, hours, minutes or seconds (e.g. \"PT24H\", \"P7D\")");
        }

        /// <summary>"phone", or a list such as ["person", "phone"]; phone when not given.</summary>
        public IReadOnlyList<AttemptCountPer> PerList(string name)
        {
            if (Child(name) is not { } c) return [AttemptCountPer.Phone];
            static AttemptCountPer One(Node x) => x.AsEnum("count key", ("phone", AttemptCountPer.Phone), ("contact", AttemptCountPer.Contact),
                ("clientId", AttemptCountPer.ClientId), ("person", AttemptCountPer.Person));
            return c.Element.ValueKind == JsonValueKind.Array ? c.AsList(One).Distinct().ToList() : [One(c)];
        }

        public IReadOnlyList<Channel> ChannelsOrDefault() => Child("channels") is { } c
            ? c.AsList(x => Channels.TryParse(x.AsString(), out var ch) ? ch : throw x.Bad("is not a channel (voice, sms, email)"))
            : new[] { Channel.Voice, Channel.Sms };

        /// <summary>"closed", or an array of "HH:mm-HH:mm" strings or {start, end} objects.</summary>
        public IReadOnlyList<TimeWindow>? Windows(string name)
        {
            var c = Child(name);
            if (c is null)
                return null;
            if (c.Element.ValueKind == JsonValueKind.String)
                return c.AsString() == Closed ? [] : throw c.Bad("must be \"closed\" or an array of windows such as \"08:00-21:00\"");
            return c.AsList(w => w.AsWindow());
        }

        private TimeWindow AsWindow()
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                Only("start", "end");
                var start = Child("start") ?? throw Missing("start");
                var end = Child("end") ?? throw Missing("end");
                return new TimeWindow(start.AsClock(allowEndOfDay: false), end.AsClock(allowEndOfDay: true));
            }
            var s = AsString();
            var dash = s.IndexOf('-');
            if (dash < 0)
                throw Bad("must be a window such as \"08:00-21:00\"");
            return new TimeWindow(ParseClock(s[..dash].Trim(), false), ParseClock(s[(dash + 1)..].Trim(), true));
        }

        private TimeSpan AsClock(bool allowEndOfDay) => ParseClock(AsString(), allowEndOfDay);

        private TimeSpan ParseClock(string s, bool allowEndOfDay)
        {
            if (s.Length == 5 && s[2] == ':' && char.IsAsciiDigit(s[0]) && char.IsAsciiDigit(s[1]) && char.IsAsciiDigit(s[3]) && char.IsAsciiDigit(s[4]))
            {
                var h = (s[0] - '0') * 10 + (s[1] - '0');
                var m = (s[3] - '0') * 10 + (s[4] - '0');
                if ((h < 24 && m < 60) || (allowEndOfDay && h == 24 && m == 0))
                    return new TimeSpan(h, m, 0);
            }
            throw Bad($"\"{s}\" is not a time of day HH:mm (00:00-23:59{(allowEndOfDay ? ", or 24:00 as an end" : "")})");
        }
    }

    public static string Write(RuleSet set)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("id", set.Id);
            w.WriteNumber("version", set.Version);
            w.WriteString("name", set.Name);
            if (set.Jurisdictions.Count > 0)
                WriteArray(w, "jurisdictions", set.Jurisdictions, (w, j) =>
                {
                    w.WriteString("code", j.Code);
                    w.WriteString("name", j.Name);
                    w.WriteString("summary", j.Summary);
                    if (j.AddsNothing) w.WriteBoolean("addsNothing", true);
                    w.WriteString("checked", Date(j.Checked));
                    WriteArray(w, "sources", j.Sources, (w, src) =>
                    {
                        w.WriteString("citation", src.Citation);
                        if (src.Url is not null) w.WriteString("url", src.Url);
                        w.WriteBoolean("primary", src.Primary);
                    });
                    if (j.NotModelled.Count > 0) Strings(w, "notModelled", j.NotModelled);
                });
            WriteArray(w, "holidays", set.Holidays, (w, c) =>
            {
                w.WriteString("id", c.Id);
                w.WriteString("citation", c.Citation);
                if (c.Url is not null) w.WriteString("url", c.Url);
                if (c.Checked is { } ch) w.WriteString("checked", Date(ch));
                if (c.Observed != ObservedPolicy.None) w.WriteString("observed", Observed(c.Observed));
                if (c.Includes.Count > 0) Strings(w, "includes", c.Includes);
                if (c.Dates.Count > 0) Strings(w, "dates", c.Dates.Select(Date));
                if (c.Holidays.Count > 0) WriteArray(w, "holidays", c.Holidays, WriteHoliday);
            });
            WriteArray(w, "callingWindows", set.CallingWindows, (w, r) =>
            {
                Common(w, r.Id, r.Citation, r.EffectiveFrom, r.Country, r.Region, r.Channels, r.Covers, r.Url, r.Checked, r.Enabled, r.Verified, r.Notes);
                WriteWindows(w, "weekdays", r.Weekdays);
                WriteWindows(w, "saturday", r.Saturday);
                WriteWindows(w, "sunday", r.Sunday);
                WriteWindows(w, "holiday", r.Holiday);
                if (r.HolidayCalendar is not null) w.WriteString("holidayCalendar", r.HolidayCalendar);
                if (r.TimeZone is not null) w.WriteString("timeZone", r.TimeZone);
            });
            WriteArray(w, "attemptLimits", set.AttemptLimits, (w, r) =>
            {
                Common(w, r.Id, r.Citation, r.EffectiveFrom, r.Country, r.Region, r.Channels, r.Covers, r.Url, r.Checked, r.Enabled, r.Verified, r.Notes, alwaysEnabled: true);
                w.WriteNumber("max", r.Max);
                w.WriteString("window", IsoDuration.Format(r.Window));
                if (r.Per.Count == 1) w.WriteString("per", Per(r.Per[0]));
                else Strings(w, "per", r.Per.Select(Per));
                w.WriteString("scope", r.Scope == AttemptScope.Campaign ? "campaign" : "tenant");
                if (r.CountedResults is not null) Strings(w, "countedResults", r.CountedResults);
            });
            WriteArray(w, "minimumGaps", set.MinimumGaps, (w, r) =>
            {
                Common(w, r.Id, r.Citation, r.EffectiveFrom, r.Country, r.Region, r.Channels, r.Covers, r.Url, r.Checked, r.Enabled, r.Verified, r.Notes);
                Strings(w, "afterResults", r.AfterResults);
                w.WriteString("gap", IsoDuration.Format(r.Gap));
                w.WriteString("per", Per(r.Per));
                if (r.DialingModes is not null) Strings(w, "dialingModes", r.DialingModes.Select(m => m.ToWire()));
            });
            WriteArray(w, "deviceRules", set.DeviceRules, (w, r) =>
            {
                Common(w, r.Id, r.Citation, r.EffectiveFrom, r.Country, r.Region, r.Channels, r.Covers, r.Url, r.Checked, r.Enabled, r.Verified, r.Notes);
                w.WriteString("deviceType", r.DeviceType is { } t ? t.ToWire() : "any");
                Strings(w, "dialingModes", r.DialingModes.Select(m => m.ToWire()));
                w.WriteString("requiresConsent", r.RequiresConsent);
            });
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteHoliday(Utf8JsonWriter w, HolidayRule h)
    {
        w.WriteString("name", h.Name);
        if (h.Month is { } m) w.WriteNumber("month", m);
        if (h.Day is { } d) w.WriteNumber("day", d);
        if (h.Weekday is { } wd) w.WriteString("weekday", wd.ToString().ToLowerInvariant());
        if (h.Nth is { } n) w.WriteNumber("nth", n);
        if (h.OnOrAfter is { } o) w.WriteNumber("onOrAfter", o);
        if (h.Easter is { } e) w.WriteNumber("easter", e);
        if (h.Observed is { } p) w.WriteString("observed", Observed(p));
        if (h.FirstYear is { } f) w.WriteNumber("firstYear", f);
        if (h.LastYear is { } l) w.WriteNumber("lastYear", l);
        if (h.Years is not null) w.WriteString("years", h.Years);
    }

    private static string Observed(ObservedPolicy p) => p switch
    {
        ObservedPolicy.SundayToMonday => "sunday-to-monday",
        ObservedPolicy.WeekendToNearestWeekday => "weekend-to-nearest-weekday",
        ObservedPolicy.WeekendToMonday => "weekend-to-monday",
        _ => "none",
    };

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Per(AttemptCountPer p) => p switch
    {
        AttemptCountPer.Contact => "contact",
        AttemptCountPer.ClientId => "clientId",
        AttemptCountPer.Person => "person",
        _ => "phone",
    };

    private static void Common(Utf8JsonWriter w, string id, string citation, DateOnly effectiveFrom, string? country, string? region, IReadOnlyList<Channel> channels,
        RuleCoverage covers, string? url, DateOnly? @checked, bool enabled, bool verified, string? notes, bool alwaysEnabled = false)
    {
        w.WriteString("id", id);
        w.WriteString("citation", citation);
        if (url is not null) w.WriteString("url", url);
        w.WriteString("effectiveFrom", effectiveFrom == DateOnly.MinValue ? Unknown : Date(effectiveFrom));
        if (@checked is { } c) w.WriteString("checked", Date(c));
        if (!verified) w.WriteBoolean("verified", false);
        if (notes is not null) w.WriteString("notes", notes);
        if (alwaysEnabled || !enabled) w.WriteBoolean("enabled", enabled);
        if (country is not null) w.WriteString("country", country);
        if (region is not null) w.WriteString("region", region);
        Strings(w, "channels", channels.Select(c => c.ToWire()));
        if (!covers.IsAll)
        {
            w.WriteStartObject("covers");
            Strings(w, "purposes", covers.Purposes.Select(CallPurposes.ToWire));
            Strings(w, "modes", covers.Modes.Select(CallPurposes.ToWire));
            w.WriteEndObject();
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void WriteWindows(Utf8JsonWriter w, string name, IReadOnlyList<TimeWindow>? windows)
    {
        if (windows is null)
            return;
        if (windows.Count == 0)
        {
            w.WriteString(name, Closed);
            return;
        }
        Strings(w, name, windows.Select(x => $"{TimeWindow.Format(x.Start)}-{TimeWindow.Format(x.End)}"));
    }

    private static void WriteArray<T>(Utf8JsonWriter w, string name, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            write(w, item);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
