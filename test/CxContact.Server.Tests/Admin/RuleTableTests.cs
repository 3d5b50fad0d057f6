using Bunit;
using CxContact.Admin.Api.Models;
using CxContact.Admin.Shared;
using MudBlazor.Services;

namespace CxContact.Server.Tests.Admin;

/// <summary>
/// The rule set as a table (bUnit): the filter keeps rows holding every word typed, a source with an address is a
/// link, a source not checked against the law says "unverified", and a switched-off rule says so.
/// </summary>
public sealed class RuleTableTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();

    public RuleTableTests()
    {
        _ctx.Services.AddMudServices();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static readonly List<Row> Rows =
    [
        new() { Jurisdiction = "US", Name = "United States", Kind = "calling window", What = "08:00-21:00", Covers = "voice, sms", Source = "47 CFR 64.1200(c)(1)",
                Url = "https://www.ecfr.gov/current/title-47/section-64.1200", Verified = true, EffectiveFrom = "1992-12-20", Checked = "2026-11-30", Enabled = true },
        new() { Jurisdiction = "US-FL", Name = "Florida", Kind = "calling window", What = "08:00-20:00", Covers = "voice, sms", Source = "Fla. Stat. 501.616(6)(a)",
                Url = null, Verified = false, EffectiveFrom = "2021-07-01", Checked = "2026-11-30", Enabled = true },
        new() { Jurisdiction = "US-FL", Name = "Florida", Kind = "attempt limit", What = "3 per 24 h", Covers = "voice", Source = "Fla. Stat. 501.616(6)(b)",
                Url = "https://www.flsenate.gov/Laws/Statutes/2023/501.616", Verified = true, EffectiveFrom = "2021-07-01", Checked = "2026-11-30", Enabled = false },
    ];

    [Fact]
    public void The_filter_keeps_rows_with_every_word_and_sources_say_how_they_were_checked()
    {
        var cut = _ctx.Render<RuleTable>(p => p.Add(x => x.Rows, Rows));
        Assert.Equal("3 of 3 rules", cut.Find("[data-testid=rule-count]").TextContent);
        var link = cut.Find("a[href='https://www.ecfr.gov/current/title-47/section-64.1200']");
        Assert.Equal("47 CFR 64.1200(c)(1)", link.TextContent);
        Assert.Equal("noopener noreferrer", link.GetAttribute("rel"));

        cut.Render(p => p.Add(x => x.Filter, "us-fl window"));
        Assert.Equal("1 of 3 rules", cut.Find("[data-testid=rule-count]").TextContent);
        var row = cut.Find("[data-testid=rules] tbody tr");
        Assert.Contains("(unverified)", row.TextContent);
        Assert.Empty(row.QuerySelectorAll("a"));

        cut.Render(p => p.Add(x => x.Filter, "attempt"));
        Assert.Contains("(switched off)", cut.Find("[data-testid=rules] tbody tr").TextContent);
        Assert.Equal("cxc-disabled", cut.Find("[data-testid=rules] tbody tr").ClassName);
    }
}
