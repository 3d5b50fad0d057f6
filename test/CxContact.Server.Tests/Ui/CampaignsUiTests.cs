using System.Net;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;
using CxContact.Server.Tests.Suppression;
using PuppeteerSharp;
using static CxContact.Server.Tests.Ui.PageWaits;

namespace CxContact.Server.Tests.Ui;

/// <summary>The campaigns section of the admin UI in headless Chromium against the real server.</summary>
public sealed class CampaignsUiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    /// <summary>The second cell of a stats row, as a number.</summary>
    private const string StatJs = "(table, stat) => Number((document.querySelector(`${table} tr[data-stat=${stat}] td:nth-child(2)`)?.textContent ?? '-1').replace(/\\D/g, '') || -1)";

    private static readonly string[] Shown = ["#error", "#campaign-state", "#preload-report", "#campaign-stats", "#simulation-report"];

    private static Task UntilAsync(IPage page, string condition, params object[] args) => PageWaits.UntilAsync(page, Shown, condition, args);

    [Fact]
    public async Task An_operator_creates_a_campaign_for_an_imported_list_starts_it_and_sees_the_preload_report_live_stats_and_a_simulation()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "UI campaigns " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var adminKey = created.GetProperty("adminKey").GetProperty("key").GetString()!;
        var http = api.Client(adminKey);

        // Germany has no calling-hour rules in the default rule set: these contacts are callable whenever the test runs.
        var lists = new ListClient(http);
        var listName = "<i>Berlin</i> & co";
        var list = await lists.CreateListAsync(new { name = listName });
        ListClient.Succeeded(await lists.ImportAsync(list,
            "client_id,first_name,phone1,country,tz\n" + string.Concat(Enumerable.Range(1, 12).Select(i => $"B{i},N{i},+49301234560{i:00},DE,Europe/Berlin\n"))));
        var suppression = new SuppressionClient(http);
        var dnc = await suppression.CreateListAsync(new { name = "Berlin DNC" });
        await suppression.AddAsync(dnc, new { type = "phone", value = "+4930123456003" });

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.GoToAsync(api.BaseAddress.ToString());
        await page.TypeAsync("#api-key", adminKey);
        await page.ClickAsync("#sign-in-form button");
        await page.WaitForSelectorAsync("#campaigns:not([hidden])", new WaitForSelectorOptions { Timeout = 15_000 });

        // Lists are offered by name, as text: markup in a name is shown, never interpreted.
        await page.WaitForSelectorAsync($"#campaign-contact-lists input[value='{list}']");
        Assert.Contains(listName, await TextAsync(page, "#campaign-contact-lists"));
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#campaign-contact-lists i').length"));

        var name = "<b>Sommer</b> " + Guid.NewGuid().ToString("N")[..6];
        await page.TypeAsync("#campaign-form input[name=name]", name);
        await page.SelectAsync("#campaign-form select[name=dialingMode]", "progressive");
        await page.ClickAsync($"#campaign-contact-lists input[value='{list}']");
        await page.ClickAsync($"#campaign-suppression-lists input[value='{dnc}']");
        await page.ClickAsync("#campaign-form button[type=submit]");

        await UntilAsync(page, "n => document.querySelector('#campaign-name').textContent === n", name);
        Assert.Equal("draft", await TextAsync(page, "#campaign-state"));
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#campaign-name b, #campaigns tbody b').length"));
        Assert.Contains(name, await TextAsync(page, "#campaigns tbody"));

        // A refused action shows the 409 problem: what was asked, and the state it was refused in.
        await page.ClickAsync("#campaign-actions button[data-action=pause]");
        await page.WaitForSelectorAsync("#error:not([hidden])");
        var refusal = await TextAsync(page, "#error");
        Assert.Contains("cannot do that now", refusal);
        Assert.Contains("draft", refusal);

        // Start preloads first (202); the page follows the campaign until it runs.
        await page.ClickAsync("#campaign-actions button[data-action=start]");
        await UntilAsync(page, "() => document.querySelector('#campaign-state').textContent === 'running'");
        Assert.True(await page.EvaluateExpressionAsync<bool>("document.querySelector('#error').hidden"), await TextAsync(page, "#error"));
        var campaigns = await HttpAssert.Json(await http.GetAsync("/api/v1/campaigns"), HttpStatusCode.OK);
        var id = campaigns.EnumerateArray().Single().GetProperty("id").GetGuid();
        Assert.Equal("running", (await HttpAssert.Json(await http.GetAsync($"/api/v1/campaigns/{id}"), HttpStatusCode.OK)).GetProperty("state").GetString());
        await UntilAsync(page, "() => document.querySelector('#campaigns tbody').textContent.includes('running')");

        // The preload report: the suppressed number is left out with its reason; the other eleven are ready.
        await UntilAsync(page, "() => document.querySelector('#preload-report tbody').textContent.includes('suppressed-phone')");
        var report = await page.EvaluateExpressionAsync<string[][]>(
            "[...document.querySelectorAll('#preload-report tbody tr')].map(tr => [...tr.cells].map(td => td.textContent))");
        Assert.Equal([["suppressed-phone", "1"]], report);
        Assert.Contains("ready11", (await TextAsync(page, "#preload-statuses tbody")).Replace(" ", ""));
        Assert.Contains("12 rows, 11 callable", await TextAsync(page, "#preload-summary"));

        // Live stats arrive over the server-sent-events stream (read with fetch, which can send the key).
        await UntilAsync(page, $"() => ({StatJs})('#campaign-stats', 'callableNow') === 11");
        Assert.Equal("stream", await page.EvaluateExpressionAsync<string>("document.querySelector('#campaign-stats').dataset.source"));
        Assert.Equal(12, await page.EvaluateFunctionAsync<int>(StatJs, "#campaign-stats", "records"));

        // Bad simulator settings: the field the API named is shown.
        await page.EvaluateExpressionAsync("document.querySelector('#simulate-form input[name=agents]').value = '0'");
        await page.ClickAsync("#simulate-form button");
        await UntilAsync(page, "() => !document.querySelector('#error').hidden && document.querySelector('#error').textContent.includes('agents:')");

        await page.EvaluateExpressionAsync("document.querySelector('#simulate-form input[name=agents]').value = '5'");
        await page.EvaluateExpressionAsync("document.querySelector('#simulate-form input[name=speed]').value = '2000'");
        await page.ClickAsync("#simulate-form button");
        await page.WaitForSelectorAsync("#simulation-report:not([hidden])", new WaitForSelectorOptions { Timeout = 15_000 });
        // Every callable contact gets dialed once; the stream shows the same count as the simulator.
        await UntilAsync(page, $"() => ({StatJs})('#simulation-report', 'dialed') === 11");
        await UntilAsync(page, $"() => ({StatJs})('#campaign-stats', 'dialed') === 11");
        Assert.Contains("progressive", await TextAsync(page, "#simulation-report"));
        var stats = await HttpAssert.Json(await http.GetAsync($"/api/v1/campaigns/{id}/stats"), HttpStatusCode.OK);
        Assert.Equal(11, stats.GetProperty("totals").GetProperty("dialed").GetInt64());

        // With every record dialed the campaign may already have completed (if no result asked for a retry): then
        // force stop is refused, rightly. Otherwise force stop ends it.
        await UntilAsync(page, "() => ['running', 'completed'].includes(document.querySelector('#campaign-state').textContent)");
        if (await TextAsync(page, "#campaign-state") == "running")
        {
            await page.ClickAsync("#campaign-actions button[data-action=force-stop]");
            await UntilAsync(page, "() => ['stopped', 'completed'].includes(document.querySelector('#campaign-state').textContent)");
        }
        await page.ScreenshotAsync(Path.Combine(Path.GetTempPath(), "cxc-campaigns-ui.png"), new ScreenshotOptions { FullPage = true });
    }
}
