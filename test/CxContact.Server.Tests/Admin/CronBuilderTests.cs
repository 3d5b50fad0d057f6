using Bunit;
using CxContact.Admin.Shared;
using MudBlazor.Services;

namespace CxContact.Server.Tests.Admin;

/// <summary>
/// The console's cron builder as a component (bUnit): the expression a pattern makes, the next five runs in the
/// schedule's zone (across a DST change, as the server and Hangfire count them), and a wrong expression named at the field.
/// </summary>
public sealed class CronBuilderTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();

    public CronBuilderTests()
    {
        _ctx.Services.AddMudServices();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    // Friday 2027-03-12 12:00 UTC: the US moves its clocks on Sunday 2027-03-14.
    private static readonly DateTimeOffset Now = new(2027, 3, 12, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Weekdays_at_seven_in_new_york_runs_at_seven_local_on_both_sides_of_the_clock_change()
    {
        var draft = new CronDraft { Pattern = CronDraft.Weekdays, Hour = 7, Minute = 30 };
        var cut = _ctx.Render<CronBuilder>(p => p.Add(x => x.Draft, draft).Add(x => x.TimeZone, "America/New_York").Add(x => x.Now, Now));

        Assert.Equal("30 7 * * 1-5", cut.Find("[data-testid=cron-value]").TextContent);
        var runs = cut.FindAll("[data-testid=cron-next] li").Select(li => li.TextContent).ToList();
        Assert.Equal(5, runs.Count);
        // Friday the 12th is before the change (EST, UTC-5), Monday the 15th after it (EDT, UTC-4): 07:30 local both.
        Assert.StartsWith("2027-03-12 07:30 America/New_York (UTC-05:00)", runs[0]);
        Assert.StartsWith("2027-03-15 07:30 America/New_York (UTC-04:00)", runs[1]);
        Assert.StartsWith("2027-03-18 07:30", runs[4]);
        var next = draft.Next("America/New_York", Now);
        Assert.Equal((new DateTimeOffset(2027, 3, 12, 12, 30, 0, TimeSpan.Zero), new DateTimeOffset(2027, 3, 15, 11, 30, 0, TimeSpan.Zero)), (next[0], next[1]));
    }

    [Fact]
    public void A_typed_expression_is_checked_and_a_wrong_one_is_named_at_the_field()
    {
        var draft = new CronDraft { Pattern = CronDraft.Custom, Expression = "0 9 * * 1" };
        string? reported = null;
        var cut = _ctx.Render<CronBuilder>(p => p.Add(x => x.Draft, draft).Add(x => x.TimeZone, "Europe/Berlin").Add(x => x.Now, Now)
            .Add(x => x.CronChanged, (string c) => reported = c));
        Assert.Equal(5, cut.FindAll("[data-testid=cron-next] li").Count);

        cut.Find("[data-testid=cron-expression] input, input[data-testid=cron-expression]").Input("61 9 * * 1");
        Assert.Equal("61 9 * * 1", reported);
        Assert.Contains("not a cron expression", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=cron-next] li"));
    }

    [Fact]
    public void Chosen_days_make_a_day_list_and_none_is_an_error()
    {
        var draft = new CronDraft { Pattern = CronDraft.Days, Hour = 18, Minute = 0 };
        draft.DaysOfWeek.Clear();
        draft.DaysOfWeek.UnionWith([6, 0]);
        Assert.Equal("0 18 * * 0,6", draft.Cron);
        Assert.Null(draft.Error);
        draft.DaysOfWeek.Clear();
        Assert.Equal("choose at least one day", draft.Error);
        Assert.Empty(draft.Next("UTC", Now));
    }
}
