using System.Diagnostics;
using CxContact.Core.Compliance;

namespace CxContact.Core.Tests.Compliance;

/// <summary>
/// The jurisdictions table: every US state, DC, every Canadian province and territory and the UK are in it, each with a
/// primary source; docs/compliance/jurisdictions.md is the table of the shipped rules as they are; and default-rules.json
/// is what the build script makes of the research. Set CXC_WRITE_DOCS=1 to rewrite the document.
/// </summary>
public sealed class JurisdictionsDocTests
{
    private static readonly string Root = FindRoot();

    private static readonly string[] UsStates =
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN",
        "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA",
        "WA", "WV", "WI", "WY", "DC",
    ];

    private static readonly string[] CanadianRegions = ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"];

    [Fact]
    public void Every_state_dc_province_territory_and_the_uk_is_in_the_table()
    {
        var codes = RuleSets.Default.Jurisdictions.Select(j => j.Code).ToHashSet();
        string[] expected = ["US", "CA", "GB", .. UsStates.Select(s => "US-" + s), .. CanadianRegions.Select(r => "CA-" + r)];
        Assert.Empty(expected.Except(codes));
        var rows = JurisdictionTable.Rows(RuleSets.Default);
        Assert.All(expected, code => Assert.Contains(rows, r => r.Jurisdiction == code));
    }

    [Fact]
    public void Every_jurisdiction_names_what_was_read_and_a_rule_that_could_not_be_read_says_so()
    {
        Assert.All(RuleSets.Default.Jurisdictions, j => Assert.NotEmpty(j.Sources));
        var rules = RuleSets.Default.CallingWindows.Select(r => (r.Id, r.Url, r.Verified, r.Notes))
            .Concat(RuleSets.Default.AttemptLimits.Select(r => (r.Id, r.Url, r.Verified, r.Notes)))
            .Concat(RuleSets.Default.MinimumGaps.Select(r => (r.Id, r.Url, r.Verified, r.Notes)))
            .Concat(RuleSets.Default.DeviceRules.Select(r => (r.Id, r.Url, r.Verified, r.Notes)));
        // A verified rule points at the text it was read in; an unverified one explains itself.
        Assert.All(rules, r => Assert.True(r.Verified ? r.Url is not null : !string.IsNullOrWhiteSpace(r.Notes), r.Id));
    }

    [Fact]
    public void Every_jurisdiction_has_a_primary_source()
    {
        var missing = RuleSets.Default.Jurisdictions.Where(j => !j.Sources.Any(s => s.Primary)).Select(j => j.Code).ToList();
        Assert.True(missing.Count == 0, "no primary source for " + string.Join(", ", missing));
    }

    [Fact]
    public void The_document_is_the_table_of_the_shipped_rules()
    {
        var path = Path.Combine(Root, "docs", "compliance", "jurisdictions.md");
        var expected = JurisdictionTable.Markdown(RuleSets.Default);
        if (Environment.GetEnvironmentVariable("CXC_WRITE_DOCS") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path) && File.ReadAllText(path) == expected,
            "docs/compliance/jurisdictions.md is out of date: run CXC_WRITE_DOCS=1 dotnet test test/CxContact.Core.Tests --filter JurisdictionsDocTests");
    }

    [Fact]
    public void The_shipped_rules_are_what_the_build_script_makes_of_the_research()
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Root };
        psi.ArgumentList.Add(Path.Combine(Root, "eng", "compliance", "build-default-rules.py"));
        psi.ArgumentList.Add("--check");
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CxContact.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CxContact.sln not found");
    }
}
