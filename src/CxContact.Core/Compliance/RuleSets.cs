using CxContact.Core.Tenancy;

namespace CxContact.Core.Compliance;

/// <summary>The shipped defaults, and parsing, validation and layering of rule sets.</summary>
public static class RuleSets
{
    /// <summary>Consent to autodialed calls to a mobile (input: <see cref="ComplianceInput.AutodialMobileConsent"/>).</summary>
    public const string AutodialMobileConsent = "autodialMobile";

    /// <summary>Prior express written consent to automated sales calls (input: <see cref="ComplianceInput.WrittenSalesConsent"/>).</summary>
    public const string WrittenSalesConsent = "writtenSales";

    /// <summary>
    /// Consent to automated calls (autodialed, prerecorded or artificial voice) of any purpose, or a relationship the law
    /// accepts instead (input: <see cref="ComplianceInput.AutomatedConsent"/>).
    /// </summary>
    public const string AutomatedConsent = "automated";

    private static readonly string[] ConsentFlags = [AutodialMobileConsent, WrittenSalesConsent, AutomatedConsent];

    private const string DefaultResource = "CxContact.Core.Compliance.default-rules.json";

    private static readonly Lazy<RuleSet> LazyDefault = new(LoadDefault);

    /// <summary>US federal and the stricter states, Canada and the UK, read once from the embedded default-rules.json.</summary>
    public static RuleSet Default => LazyDefault.Value;

    /// <summary>
    /// The longest window an attempt limit or gap may count over. The platform keeps attempts in its fast store as far
    /// back as the longest rule needs (the rules' own choice, up to this), and that must stay bounded.
    /// </summary>
    public static readonly TimeSpan LongestCounted = TimeSpan.FromDays(90);

    /// <summary>Reads a rule-set document; throws <see cref="RuleSetException"/> naming the JSON path of the first problem.</summary>
    public static RuleSet Parse(string json) => RuleSetJson.Read(json);

    /// <summary>The document form that <see cref="Parse"/> reads back.</summary>
    public static string ToJson(RuleSet set) => RuleSetJson.Write(set);

    /// <summary>
    /// Layers a tenant's or campaign's rules over a base: a rule (or calendar) with an id that the base has
    /// replaces it, other rules are added. The result carries the overrides' id, version and name, so a
    /// decision's ruleSetVersion names what the tenant actually saved.
    /// </summary>
    public static RuleSet Override(RuleSet baseSet, RuleSet overrides)
    {
        var overridden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in overrides.CallingWindows.Select(r => r.Id)
                     .Concat(overrides.AttemptLimits.Select(r => r.Id))
                     .Concat(overrides.MinimumGaps.Select(r => r.Id))
                     .Concat(overrides.DeviceRules.Select(r => r.Id)))
            overridden.Add(id);

        return new RuleSet
        {
            Id = overrides.Id,
            Version = overrides.Version,
            Name = overrides.Name,
            CallingWindows = Merge(baseSet.CallingWindows, overrides.CallingWindows, r => r.Id, overridden),
            AttemptLimits = Merge(baseSet.AttemptLimits, overrides.AttemptLimits, r => r.Id, overridden),
            MinimumGaps = Merge(baseSet.MinimumGaps, overrides.MinimumGaps, r => r.Id, overridden),
            DeviceRules = Merge(baseSet.DeviceRules, overrides.DeviceRules, r => r.Id, overridden),
            Holidays = Merge(baseSet.Holidays, overrides.Holidays, c => c.Id, overrides.Holidays.Select(c => c.Id).ToHashSet(StringComparer.Ordinal)),
            Jurisdictions = Merge(baseSet.Jurisdictions, overrides.Jurisdictions, j => j.Code, overrides.Jurisdictions.Select(j => j.Code).ToHashSet(StringComparer.Ordinal)),
        };
    }

    // Replacements keep the base rule's position so explanations stay in a stable order; a base rule whose id
    // reappears under another kind is dropped, since ids are unique across the whole set.
    private static IReadOnlyList<T> Merge<T>(IReadOnlyList<T> baseRules, IReadOnlyList<T> overrides, Func<T, string> id, HashSet<string> overridden)
    {
        var byId = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var r in overrides)
            byId[id(r)] = r;
        var result = new List<T>(baseRules.Count + overrides.Count);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in baseRules)
        {
            if (byId.TryGetValue(id(r), out var replacement))
            {
                if (used.Add(id(r))) result.Add(replacement);
            }
            else if (!overridden.Contains(id(r)))
            {
                result.Add(r);
            }
        }
        foreach (var r in overrides)
            if (used.Add(id(r)))
                result.Add(r);
        return result;
    }

    /// <summary>
    /// Every semantic problem, keyed by JSON path (e.g. "callingWindows[2].weekdays[0]"); empty when the set is
    /// usable. Run it when a rule set is saved: the evaluator trusts what it is given.
    /// </summary>
    public static Dictionary<string, string[]> Validate(RuleSet set)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string path, string problem)
        {
            if (!errors.TryGetValue(path, out var list))
                errors[path] = list = [];
            list.Add(problem);
        }

        if (string.IsNullOrWhiteSpace(set.Id)) Add("id", "is required");
        if (set.Version < 1) Add("version", "must be 1 or more");
        if (string.IsNullOrWhiteSpace(set.Name)) Add("name", "is required");

        var calendars = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < set.Holidays.Count; i++)
        {
            var c = set.Holidays[i];
            var p = $"holidays[{i}]";
            if (string.IsNullOrWhiteSpace(c.Id)) Add($"{p}.id", "is required");
            else if (!calendars.TryAdd(c.Id, i)) Add($"{p}.id", $"\"{c.Id}\" is already the id of holidays[{calendars[c.Id]}]");
            if (string.IsNullOrWhiteSpace(c.Citation)) Add($"{p}.citation", "is required: say where the dates come from");
            for (var h = 0; h < c.Holidays.Count; h++)
            {
                if (string.IsNullOrWhiteSpace(c.Holidays[h].Name)) Add($"{p}.holidays[{h}].name", "is required");
                if (HolidayDates.Problem(c.Holidays[h]) is { } problem) Add($"{p}.holidays[{h}]", problem);
            }
        }
        // Includes name calendars of this set, and never themselves through others.
        for (var i = 0; i < set.Holidays.Count; i++)
        {
            var c = set.Holidays[i];
            for (var k = 0; k < c.Includes.Count; k++)
                if (!calendars.ContainsKey(c.Includes[k])) Add($"holidays[{i}].includes[{k}]", $"\"{c.Includes[k]}\" is not the id of a calendar in holidays");
            if (IncludesItself(c.Id, set.Holidays)) Add($"holidays[{i}].includes", $"\"{c.Id}\" includes itself through other calendars");
        }

        for (var i = 0; i < set.Jurisdictions.Count; i++)
        {
            var code = set.Jurisdictions[i].Code;
            var dash = code.IndexOf('-');
            var country = dash < 0 ? code : code[..dash];
            if (!TenantSettingsRules.IsIsoCountry(country)) Add($"jurisdictions[{i}].code", $"\"{code}\" does not start with an ISO 3166-1 alpha-2 country code");
            else if (dash > 0 && ComplianceRegions.Check(country, code[(dash + 1)..]) is { } problem) Add($"jurisdictions[{i}].code", problem);
        }

        var ruleIds = new Dictionary<string, string>(StringComparer.Ordinal);
        void Common(string p, string id, string citation, string? country, string? region, IReadOnlyList<Channel> channels, bool countryRequired)
        {
            if (string.IsNullOrWhiteSpace(id)) Add($"{p}.id", "is required");
            else if (!ruleIds.TryAdd(id, p)) Add($"{p}.id", $"\"{id}\" is already the id of {ruleIds[id]}; rule ids are unique across the set");
            if (string.IsNullOrWhiteSpace(citation)) Add($"{p}.citation", "is required: say which law or policy the rule encodes");
            if (country is null)
            {
                if (countryRequired) Add($"{p}.country", "is required");
                if (region is not null) Add($"{p}.region", "needs a country");
            }
            else if (!TenantSettingsRules.IsIsoCountry(country))
            {
                Add($"{p}.country", $"\"{country}\" is not an ISO 3166-1 alpha-2 country code (e.g. \"US\")");
            }
            else if (region is not null && ComplianceRegions.Check(country, region) is { } problem)
            {
                Add($"{p}.region", problem);
            }
            if (channels.Count == 0) Add($"{p}.channels", "is empty, so the rule would never apply");
        }
        void Covers(string p, RuleCoverage covers)
        {
            if (covers.Purposes.Count == 0) Add($"{p}.covers.purposes", "is empty, so the rule would never apply");
            if (covers.Modes.Count == 0) Add($"{p}.covers.modes", "is empty, so the rule would never apply");
        }

        for (var i = 0; i < set.CallingWindows.Count; i++)
        {
            var r = set.CallingWindows[i];
            var p = $"callingWindows[{i}]";
            Common(p, r.Id, r.Citation, r.Country, r.Region, r.Channels, countryRequired: true);
            Covers(p, r.Covers);
            CheckWindows($"{p}.weekdays", r.Weekdays, Add);
            CheckWindows($"{p}.saturday", r.Saturday, Add);
            CheckWindows($"{p}.sunday", r.Sunday, Add);
            CheckWindows($"{p}.holiday", r.Holiday, Add);
            if (r.HolidayCalendar is not null && !calendars.ContainsKey(r.HolidayCalendar))
                Add($"{p}.holidayCalendar", $"\"{r.HolidayCalendar}\" is not the id of a calendar in holidays");
            if (r.Holiday is not null && r.HolidayCalendar is null)
                Add($"{p}.holiday", "needs a holidayCalendar to say which dates are holidays");
            if (r.TimeZone is not null && !TenantSettingsRules.IsIanaZone(r.TimeZone))
                Add($"{p}.timeZone", $"\"{r.TimeZone}\" is not a known IANA time zone");
        }

        for (var i = 0; i < set.AttemptLimits.Count; i++)
        {
            var r = set.AttemptLimits[i];
            var p = $"attemptLimits[{i}]";
            Common(p, r.Id, r.Citation, r.Country, r.Region, r.Channels, countryRequired: false);
            Covers(p, r.Covers);
            if (r.Per.Count == 0) Add($"{p}.per", "is empty: say what is counted (phone, contact, clientId, person)");
            if (r.Max < 1) Add($"{p}.max", "must be 1 or more");
            if (r.Window <= TimeSpan.Zero) Add($"{p}.window", "must be a positive duration (e.g. \"PT24H\")");
            else if (r.Window > LongestCounted) Add($"{p}.window", $"may be at most {LongestCounted.TotalDays:0} days (\"P{LongestCounted.TotalDays:0}D\"): attempts are counted from the last {LongestCounted.TotalDays:0} days at most");
            if (r.CountedResults is { Count: 0 }) Add($"{p}.countedResults", "is empty, so nothing would count; leave it out to count every attempt");
        }

        for (var i = 0; i < set.MinimumGaps.Count; i++)
        {
            var r = set.MinimumGaps[i];
            var p = $"minimumGaps[{i}]";
            Common(p, r.Id, r.Citation, r.Country, r.Region, r.Channels, countryRequired: false);
            Covers(p, r.Covers);
            if (r.Gap <= TimeSpan.Zero) Add($"{p}.gap", "must be a positive duration (e.g. \"PT72H\")");
            else if (r.Gap > LongestCounted) Add($"{p}.gap", $"may be at most {LongestCounted.TotalDays:0} days (\"P{LongestCounted.TotalDays:0}D\"): attempts are counted from the last {LongestCounted.TotalDays:0} days at most");
            if (r.AfterResults.Count == 0) Add($"{p}.afterResults", "is empty, so the rule would never apply");
            if (r.DialingModes is { Count: 0 }) Add($"{p}.dialingModes", "is empty; leave it out to hold back every mode");
        }

        for (var i = 0; i < set.DeviceRules.Count; i++)
        {
            var r = set.DeviceRules[i];
            var p = $"deviceRules[{i}]";
            Common(p, r.Id, r.Citation, r.Country, r.Region, r.Channels, countryRequired: false);
            Covers(p, r.Covers);
            if (r.DialingModes.Count == 0) Add($"{p}.dialingModes", "is empty, so the rule would never apply");
            if (!ConsentFlags.Contains(r.RequiresConsent))
                Add($"{p}.requiresConsent", $"\"{r.RequiresConsent}\" is not a known consent flag (known: {string.Join(", ", ConsentFlags.Select(f => $"\"{f}\""))})");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Validates a tenant's overrides as they will be used (merged with <paramref name="baseSet"/>), and names each problem
    /// by its path in the overrides document the tenant sent: "callingWindows[0].region", not its place in the merged set.
    /// </summary>
    public static Dictionary<string, string[]> ValidateOverrides(RuleSet baseSet, RuleSet overrides)
    {
        var merged = Override(baseSet, overrides);
        var sections = new Dictionary<string, (IReadOnlyList<string> Merged, IReadOnlyList<string> Sent)>(StringComparer.Ordinal)
        {
            ["callingWindows"] = (merged.CallingWindows.Select(r => r.Id).ToList(), overrides.CallingWindows.Select(r => r.Id).ToList()),
            ["attemptLimits"] = (merged.AttemptLimits.Select(r => r.Id).ToList(), overrides.AttemptLimits.Select(r => r.Id).ToList()),
            ["minimumGaps"] = (merged.MinimumGaps.Select(r => r.Id).ToList(), overrides.MinimumGaps.Select(r => r.Id).ToList()),
            ["deviceRules"] = (merged.DeviceRules.Select(r => r.Id).ToList(), overrides.DeviceRules.Select(r => r.Id).ToList()),
            ["holidays"] = (merged.Holidays.Select(c => c.Id).ToList(), overrides.Holidays.Select(c => c.Id).ToList()),
            ["jurisdictions"] = (merged.Jurisdictions.Select(j => j.Code).ToList(), overrides.Jurisdictions.Select(j => j.Code).ToList()),
        };
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (path, problems) in Validate(merged))
        {
            var renamed = path;
            var bracket = path.IndexOf('[');
            if (bracket > 0 && sections.TryGetValue(path[..bracket], out var ids))
            {
                var close = path.IndexOf(']', bracket);
                var index = int.Parse(path.AsSpan(bracket + 1, close - bracket - 1), System.Globalization.CultureInfo.InvariantCulture);
                var sent = index < ids.Merged.Count ? ids.Sent.ToList().IndexOf(ids.Merged[index]) : -1;
                // A shipped rule the overrides broke (a calendar it names was replaced, say) keeps its merged path, which says so.
                renamed = sent >= 0 ? $"{path[..bracket]}[{sent}]{path[(close + 1)..]}" : $"{path} (a shipped rule)";
            }
            result[renamed] = result.TryGetValue(renamed, out var earlier) ? [.. earlier, .. problems] : problems;
        }
        return result;
    }

    private static bool IncludesItself(string id, IReadOnlyList<HolidayCalendar> all)
    {
        var byId = new Dictionary<string, HolidayCalendar>(StringComparer.Ordinal);
        foreach (var c in all) byId.TryAdd(c.Id, c);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(byId.TryGetValue(id, out var start) ? start.Includes : []);
        while (pending.TryPop(out var next))
        {
            if (next == id) return true;
            if (seen.Add(next) && byId.TryGetValue(next, out var c)) foreach (var i in c.Includes) pending.Push(i);
        }
        return false;
    }

    private static void CheckWindows(string path, IReadOnlyList<TimeWindow>? windows, Action<string, string> add)
    {
        if (windows is null)
            return;
        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            if (w.Start < TimeSpan.Zero || w.End > TimeSpan.FromHours(24))
                add($"{path}[{i}]", $"{w} is outside the day (00:00-24:00)");
            else if (w.End <= w.Start)
                add($"{path}[{i}]", $"{w} is empty: the end must be after the start, and a window cannot cross midnight (split it, or use \"closed\")");
        }
        for (var i = 0; i < windows.Count; i++)
            for (var j = i + 1; j < windows.Count; j++)
                if (windows[i].Start < windows[j].End && windows[j].Start < windows[i].End)
                    add($"{path}[{j}]", $"{windows[j]} overlaps {path}[{i}] ({windows[i]}); merge them");
    }

    private static RuleSet LoadDefault()
    {
        using var stream = typeof(RuleSets).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"Embedded resource {DefaultResource} is missing from CxContact.Core.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
