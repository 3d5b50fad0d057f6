using System.Net;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Scheduling;
using PuppeteerSharp;
using static CxContact.Server.Tests.Ui.PageWaits;

namespace CxContact.Server.Tests.Ui;

/// <summary>
/// The schedules and jobs sections of the admin UI in headless Chromium, against the real server and its Hangfire
/// (so it runs in the scheduling collection).
/// </summary>
[Collection(SchedulingCollection.Name)]
public sealed class SchedulesUiTests(CampaignFixture fx)
{
    private static readonly string[] Shown = ["#error", "#schedules", "#schedule-runs", "#jobs"];

    private static Task UntilAsync(IPage page, string condition, params object[] args) => PageWaits.UntilAsync(page, Shown, condition, args);

    [Fact]
    public async Task An_operator_schedules_a_campaign_start_sees_the_field_a_bad_cron_gets_runs_it_now_and_sees_the_run_and_the_job()
    {
        var c = await CampaignClient.NewTenantAsync(fx.Api);
        var adminKey = c.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var list = await c.ListAsync(2);
        var campaignName = "<b>Morning</b> " + Guid.NewGuid().ToString("N")[..6];
        var campaign = await c.CreateAsync(new { name = campaignName, contactLists = new[] { new { id = list, weight = 1 } } });

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.GoToAsync(fx.Api.BaseAddress.ToString());
        await page.TypeAsync("#api-key", adminKey);
        await page.ClickAsync("#sign-in-form button");
        await page.WaitForSelectorAsync("#schedules:not([hidden])", new WaitForSelectorOptions { Timeout = 15_000 });
        await page.WaitForSelectorAsync($"#schedule-form select[name=campaignId] option[value='{campaign}']");
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#schedule-form b').length"));

        // The campaign action shows the campaign choice and hides the SFTP fields; an import shows them.
        await page.SelectAsync("#schedule-form select[name=type]", "start-campaign");
        const string RemotePathShown = "getComputedStyle(document.querySelector('#schedule-form input[name=remotePath]').closest('label')).display !== 'none'";
        Assert.False(await page.EvaluateExpressionAsync<bool>(RemotePathShown));
        await page.SelectAsync("#schedule-form select[name=type]", "import-contact-list");
        Assert.True(await page.EvaluateExpressionAsync<bool>(RemotePathShown));
        await page.SelectAsync("#schedule-form select[name=type]", "start-campaign");

        // A bad cron: the error names the field.
        await page.TypeAsync("#schedule-form input[name=name]", "Weekday start");
        await page.TypeAsync("#schedule-form input[name=cron]", "0 7 * *");
        await page.ClickAsync("#schedule-form button[type=submit]");
        await UntilAsync(page, "() => !document.querySelector('#error').hidden && document.querySelector('#error').textContent.includes('cron:')");

        await page.EvaluateExpressionAsync("document.querySelector('#schedule-form input[name=cron]').value = '0 7 * * 1-5'");
        await page.ClickAsync("#schedule-form button[type=submit]");
        await UntilAsync(page, "() => document.querySelector('#schedules tbody').textContent.includes('Weekday start')");
        Assert.True(await page.EvaluateExpressionAsync<bool>("document.querySelector('#error').hidden"), await TextAsync(page, "#error"));
        var shown = await TextAsync(page, "#schedules tbody");
        Assert.Contains("0 7 * * 1-5 (America/New_York)", shown);
        Assert.Contains("start-campaign", shown);
        var schedules = await HttpAssert.Json(await c.Http.GetAsync("/api/v1/schedules"), HttpStatusCode.OK);
        var schedule = Assert.Single(schedules.EnumerateArray());
        Assert.Equal(campaign, schedule.GetProperty("action").GetProperty("campaignId").GetGuid());

        // Run now: the history is followed until the run has finished, and the jobs list shows it.
        await page.ClickAsync("#schedules tbody button:first-child");
        await UntilAsync(page, "() => document.querySelector('#schedule-runs tbody tr')?.dataset.state === 'succeeded'");
        Assert.Contains("manual", await TextAsync(page, "#schedule-runs tbody"));
        Assert.Contains("start", await TextAsync(page, "#schedule-runs tbody"));
        await UntilAsync(page, "() => !!document.querySelector('#jobs tbody tr[data-kind=scheduled-run]')");
        Assert.NotEqual("draft", (await c.GetAsync(campaign)).GetProperty("state").GetString());

        // Disable: the table says so, and so does the API.
        await page.EvaluateExpressionAsync("[...document.querySelectorAll('#schedules tbody button')].find(b => b.textContent === 'Disable').click()");
        await UntilAsync(page, "() => [...document.querySelectorAll('#schedules tbody button')].some(b => b.textContent === 'Enable')");
        Assert.False((await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/schedules/{schedule.GetProperty("id").GetGuid()}"), HttpStatusCode.OK))
            .GetProperty("enabled").GetBoolean());
        await page.ScreenshotAsync(Path.Combine(Path.GetTempPath(), "cxc-schedules-ui.png"), new ScreenshotOptions { FullPage = true });
    }
}
