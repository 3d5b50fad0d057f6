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
            root.Only("id", "version", "name", "description", "callingWindows", "holidays", "attemptLimits", "minimumGaps", "deviceRules");
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
            };
        }
    }

    private static CallingWindowRule ReadWindowRule(Node n)
    {
        n.Only("id", "citation", "effectiveFrom", "country", "region", "channels", "weekdays", "saturday", "sunday", "holiday", "holidayCalendar", "timeZone");
        return new CallingWindowRule
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            EffectiveFrom = n.RequiredDate("effectiveFrom"),
            Country = n.RequiredString("country"),
            Region = n.OptionalString("region"),
            Channels = n.ChannelsOrDefault(),
            Weekdays = n.Windows("weekdays") ?? throw n.Missing("weekdays"),
            Saturday = n.Windows("saturday"),
            Sunday = n.Windows("sunday"),
            Holiday = n.Windows("holiday"),
            HolidayCalendar = n.OptionalString("holidayCalendar"),
            TimeZone = n.OptionalString("timeZone"),
        };
    }

    private static HolidayCalendar ReadCalendar(Node n)
    {
        n.Only("id", "citation", "dates");
        return new HolidayCalendar
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            Dates = n.List("dates", d => d.AsDate(), required: true),
        };
    }

    private static AttemptLimitRule ReadAttemptLimit(Node n)
    {
        n.Only("id", "citation", "effectiveFrom", "enabled", "country", "region", "channels", "max", "window", "per", "scope", "countedResults");
        return new AttemptLimitRule
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            EffectiveFrom = n.RequiredDate("effectiveFrom"),
            Enabled = n.OptionalBool("enabled") ?? true,
            Country = n.OptionalString("country"),
            Region = n.OptionalString("region"),
            Channels = n.ChannelsOrDefault(),
            Max = n.RequiredInt("max"),
            Window = n.RequiredDuration("window"),
            Per = n.OptionalPer("per"),
            Scope = n.Child("scope") is { } s ? s.AsEnum("scope", ("tenant", AttemptScope.Tenant), ("campaign", AttemptScope.Campaign)) : AttemptScope.Tenant,
            CountedResults = n.Child("countedResults") is { } c ? c.AsList(x => x.AsString()) : null,
        };
    }

    private static MinimumGapRule ReadGap(Node n)
    {
        n.Only("id", "citation", "effectiveFrom", "country", "region", "channels", "afterResults", "gap", "per", "dialingModes");
        return new MinimumGapRule
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            EffectiveFrom = n.RequiredDate("effectiveFrom"),
            Country = n.OptionalString("country"),
            Region = n.OptionalString("region"),
            Channels = n.ChannelsOrDefault(),
            AfterResults = n.List("afterResults", x => x.AsString(), required: true),
            Gap = n.RequiredDuration("gap"),
            Per = n.OptionalPer("per"),
            DialingModes = n.Child("dialingModes") is { } m ? m.AsList(x => x.AsDialingMode()) : null,
        };
    }

    private static DeviceRule ReadDeviceRule(Node n)
    {
        n.Only("id", "citation", "effectiveFrom", "country", "region", "channels", "deviceType", "dialingModes", "requiresConsent");
        var deviceNode = n.Child("deviceType") ?? throw n.Missing("deviceType");
        return new DeviceRule
        {
            Id = n.RequiredString("id"),
            Citation = n.RequiredString("citation"),
            EffectiveFrom = n.RequiredDate("effectiveFrom"),
            Country = n.OptionalString("country"),
            Region = n.OptionalString("region"),
            Channels = n.ChannelsOrDefault(),
            DeviceType = DeviceTypes.TryParse(deviceNode.AsString(), out var t) ? t : throw deviceNode.Bad("is not a device type (mobile, landline, voip, toll-free, unknown)"),
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

        public AttemptCountPer OptionalPer(string name) => Child(name) is { } c
            ? c.AsEnum("count key", ("phone", AttemptCountPer.Phone), ("contact", AttemptCountPer.Contact), ("clientId", AttemptCountPer.ClientId))
            : AttemptCountPer.Phone;

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
            WriteArray(w, "holidays", set.Holidays, (w, c) =>
            {
                w.WriteString("id", c.Id);
                w.WriteString("citation", c.Citation);
                w.WriteStartArray("dates");
                foreach (var d in c.Dates) w.WriteStringValue(Date(d));
                w.WriteEndArray();
            });
            WriteArray(w, "callingWindows", set.CallingWindows, (w, r) =>
            {
                Common(w, r.Id, r.Citation, r.EffectiveFrom, r.Country, r.Region, r.Channels);
                WriteWindows(w, "weekdays", r.Weekdays);
                WriteWindows(w, "saturday", r.Saturday);
                WriteWindows(w, "sunday", r.Sunday);
                WriteWindows(w, "holiday", r.Holiday);
                if (r.HolidayCalendar is not null) w.WriteString("holidayCalendar", r.HolidayCalendar);
                if (r.TimeZone is not null) w.WriteString("timeZone", r.TimeZone);
            });
            WriteArray(w, "attemptLimits", set.AttemptLimits, (w, r) =>
            {
                Common(w, r.Id, r.Citation, r.EffectiveFrom, r.Country, r.Region, r.Channels);
                w.WriteBoolean("enabled", r.Enabled);
                w.WriteNumber("max", r.Max);
                w.WriteString("window", IsoDuration.Format(r.Window));
                w.WriteString("per", Per(r.Per));
                w.WriteString("scope", r.Scope == AttemptScope.Campaign ? "campaign" : "tenant");
                if (r.CountedResults is not null) Strings(w, "countedResults", r.CountedResults);
            });
            WriteArray(w, "minimumGaps", set.MinimumGaps, (w, r) =>
            {
                Common(w, r.Id, r.Citation, r.EffectiveFrom, r.Country, r.Region, r.Channels);
                Strings(w, "afterResults", r.AfterResults);
                w.WriteString("gap", IsoDuration.Format(r.Gap));
                w.WriteString("per", Per(r.Per));
                if (r.DialingModes is not null) Strings(w, "dialingModes", r.DialingModes.Select(m => m.ToWire()));
            });
            WriteArray(w, "deviceRules", set.DeviceRules, (w, r) =>
            {
                Common(w, r.Id, r.Citation, r.EffectiveFrom, r.Country, r.Region, r.Channels);
                w.WriteString("deviceType", r.DeviceType.ToWire());
                Strings(w, "dialingModes", r.DialingModes.Select(m => m.ToWire()));
                w.WriteString("requiresConsent", r.RequiresConsent);
            });
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Per(AttemptCountPer p) => p switch
    {
        AttemptCountPer.Contact => "contact",
        AttemptCountPer.ClientId => "clientId",
        _ => "phone",
    };

    private static void Common(Utf8JsonWriter w, string id, string citation, DateOnly effectiveFrom, string? country, string? region, IReadOnlyList<Channel> channels)
    {
        w.WriteString("id", id);
        w.WriteString("citation", citation);
        w.WriteString("effectiveFrom", Date(effectiveFrom));
        if (country is not null) w.WriteString("country", country);
        if (region is not null) w.WriteString("region", region);
        Strings(w, "channels", channels.Select(c => c.ToWire()));
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
