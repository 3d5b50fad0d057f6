using System.Globalization;
using System.Text;
using CxContact.Core.Phones;

namespace CxContact.Core.Compliance;

/// <summary>
/// What a rule set says about each jurisdiction, as a table a compliance officer can check line by line against the
/// law: one row per rule (or one row saying the jurisdiction adds nothing, with what was read to decide that). The API
/// (<c>GET /api/v1/rule-sets/{id}/jurisdictions</c>) and docs/compliance/jurisdictions.md are both made from it.
/// </summary>
public static class JurisdictionTable
{
    /// <summary>One line of the table.</summary>
    public sealed record Row(
        string Jurisdiction, string Name, string? Rule, string Kind, string What, string Covers, string Source, string? Url, bool Verified,
        string EffectiveFrom, string Checked, bool Enabled);

    public static IReadOnlyList<Row> Rows(RuleSet set)
    {
        var rows = new List<Row>();
        var known = set.Jurisdictions.ToDictionary(j => j.Code, StringComparer.OrdinalIgnoreCase);
        var codes = set.Jurisdictions.Select(j => j.Code).ToList();
        foreach (var code in AllRuleCodes(set))
            if (!known.ContainsKey(code)) codes.Add(code);

        foreach (var code in codes)
        {
            known.TryGetValue(code, out var j);
            var name = j?.Name ?? code;
            var before = rows.Count;
            foreach (var r in set.CallingWindows.Where(r => Code(r.Country, r.Region) == code))
                rows.Add(new Row(code, name, r.Id, "calling hours", Hours(r), Covers(r.Covers, r.Channels), r.Citation, r.Url, r.Verified, Date(r.EffectiveFrom),
                    Date(r.Checked), r.Enabled));
            foreach (var r in set.AttemptLimits.Where(r => Code(r.Country, r.Region) == code))
                rows.Add(new Row(code, name, r.Id, "attempt limit",
                    $"at most {r.Max} per {IsoDuration.Describe(r.Window)} per {string.Join(" and per ", r.Per.Select(Per))}{(r.Scope == AttemptScope.Campaign ? " in a campaign" : "")}",
                    Covers(r.Covers, r.Channels), r.Citation, r.Url, r.Verified, Date(r.EffectiveFrom), Date(r.Checked), r.Enabled));
            foreach (var r in set.MinimumGaps.Where(r => Code(r.Country, r.Region) == code))
                rows.Add(new Row(code, name, r.Id, "gap after a result",
                    $"no re-call within {IsoDuration.Describe(r.Gap)} after {string.Join("/", r.AfterResults)} per {Per(r.Per)}"
                    + (r.DialingModes is null ? "" : $" in {string.Join("/", r.DialingModes.Select(m => m.ToWire()))} mode"),
                    Covers(r.Covers, r.Channels), r.Citation, r.Url, r.Verified, Date(r.EffectiveFrom), Date(r.Checked), r.Enabled));
            foreach (var r in set.DeviceRules.Where(r => Code(r.Country, r.Region) == code))
                rows.Add(new Row(code, name, r.Id, "consent",
                    $"\"{r.RequiresConsent}\" consent for {string.Join("/", r.DialingModes.Select(m => m.ToWire()))} calls to {(r.DeviceType is { } d ? d.ToWire() : "any device")}",
                    Covers(r.Covers, r.Channels), r.Citation, r.Url, r.Verified, Date(r.EffectiveFrom), Date(r.Checked), r.Enabled));
            if (rows.Count == before && j is not null)
                rows.Add(new Row(code, name, null, "none",
                    j.AddsNothing ? "adds nothing to the national rules" : "no rule the engine applies (see what was read)",
                    "", string.Join("; ", j.Sources.Select(s => s.Citation)), j.Sources.FirstOrDefault(s => s.Primary)?.Url ?? j.Sources.FirstOrDefault()?.Url,
                    j.Sources.Any(s => s.Primary), "", Date(j.Checked), true));
        }
        return rows;
    }

    /// <summary>docs/compliance/jurisdictions.md: the table, then per jurisdiction its summary and what is not modelled.</summary>
    public static string Markdown(RuleSet set)
    {
        var md = new StringBuilder();
        md.Append("# Jurisdictions in the shipped rule set\n\n");
        md.Append($"Generated from `{set.VersionTag}` (src/CxContact.Core/Compliance/default-rules.json, built from docs/compliance/research) by ")
          .Append("`JurisdictionsDocTests`; do not edit by hand. The same table is `GET /api/v1/rule-sets/default/jurisdictions`.\n\n")
          .Append("**Not legal advice.** These rules are our reading of the sources cited, made to keep a contact centre inside the law where it can be ")
          .Append("read mechanically. A rule marked unverified could not be read in its primary text; check it before relying on it. Local ordinances, ")
          .Append("trade-specific rules and case law are not covered. Tenants override any rule in their own rule sets.\n\n");
        md.Append("| Jurisdiction | Rule | What | Covers | Source | Verified | In force from | Checked |\n");
        md.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var r in Rows(set))
        {
            var source = r.Url is null ? Cell(r.Source) : $"[{Cell(r.Source)}]({r.Url})";
            md.Append($"| {r.Jurisdiction} | {(r.Rule is null ? "—" : "`" + r.Rule + "`" + (r.Enabled ? "" : " (off)"))} | {Cell(r.What)} | {Cell(r.Covers)} | {source} | ")
              .Append($"{(r.Verified ? "yes" : "**unverified**")} | {r.EffectiveFrom} | {r.Checked} |\n");
        }
        md.Append("\n## What each jurisdiction says, and what the engine does not apply\n");
        foreach (var j in set.Jurisdictions)
        {
            md.Append($"\n### {j.Code}: {j.Name}\n\n{j.Summary}\n");
            if (j.NotModelled.Count > 0)
            {
                md.Append("\nNot applied by the engine:\n\n");
                foreach (var n in j.NotModelled) md.Append("- ").Append(n.ReplaceLineEndings(" ")).Append('\n');
            }
        }
        return md.ToString();
    }

    private static IEnumerable<string> AllRuleCodes(RuleSet set) =>
        set.CallingWindows.Select(r => Code(r.Country, r.Region))
            .Concat(set.AttemptLimits.Select(r => Code(r.Country, r.Region)))
            .Concat(set.MinimumGaps.Select(r => Code(r.Country, r.Region)))
            .Concat(set.DeviceRules.Select(r => Code(r.Country, r.Region)))
            .Distinct(StringComparer.OrdinalIgnoreCase);

    private static string Code(string? country, string? region) => region is null ? country ?? "any" : $"{country}-{region}";

    private static string Hours(CallingWindowRule r)
    {
        static string W(IReadOnlyList<TimeWindow>? w) => w is null ? "" : w.Count == 0 ? "closed" : string.Join(", ", w);
        var parts = new List<string> { r.Saturday is null && r.Sunday is null ? $"every day {W(r.Weekdays)}" : $"Mon–Fri {W(r.Weekdays)}" };
        if (r.Saturday is not null) parts.Add($"Sat {W(r.Saturday)}");
        if (r.Sunday is not null) parts.Add($"Sun {W(r.Sunday)}");
        if (r.Holiday is not null) parts.Add($"holidays ({r.HolidayCalendar}) {W(r.Holiday)}");
        if (r.TimeZone is not null) parts.Add($"in {r.TimeZone}");
        return string.Join("; ", parts);
    }

    private static string Covers(RuleCoverage c, IReadOnlyList<Channel> channels) =>
        $"{(c.Purposes.Count == RuleCoverage.AllPurposes.Count ? "all purposes" : string.Join("/", c.Purposes.Select(CallPurposes.ToWire)))}; "
        + $"{(c.Modes.Count == RuleCoverage.AllModes.Count ? "all modes" : string.Join("/", c.Modes.Select(CallPurposes.ToWire)))}; "
        + string.Join("/", channels.Select(ch => ch.ToWire()));

    private static string Per(AttemptCountPer p) => p switch
    {
        AttemptCountPer.Contact => "contact",
        AttemptCountPer.ClientId => "client id",
        AttemptCountPer.Person => "person",
        _ => "phone",
    };

    private static string Date(DateOnly? d) =>
        d is not { } v ? "" : v == DateOnly.MinValue ? "unknown" : v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Cell(string s) => s.Replace("|", "\\|").ReplaceLineEndings(" ");
}
