using CxContact.Testing;
using System.Net;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;
using CxContact.Server.Tests.Sftp;
using CxContact.Server.Tests.Suppression;
using PuppeteerSharp;
using static CxContact.Server.Tests.Ui.ConsolePage;

namespace CxContact.Server.Tests.Ui;

/// <summary>
/// The console's contact-list page and suppression page in headless Chromium against the real server: a list's
/// counts, imports and records (found by phone, paged by key), a schedule that pulls from SFTP refused at its field
/// and then saved; a suppression list made, imported from a CSV with a bad row, searched, an expired entry counted and
/// purged. Each page is clean under axe-core at 1280 px and does not scroll sideways at 768 px.
/// </summary>
public sealed class ConsoleListsSuppressionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static string Text(string testId) => $"(document.querySelector('[data-testid={testId}]')?.innerText ?? '')";

    private static string Rows(string testId) => $"document.querySelectorAll('[data-testid={testId}] tbody tr').length";

    /// <summary>The page, reloaded at 768 px once loaded, is no wider than the window.</summary>
    private async Task AssertNarrowAsync(IPage page, string path, string heading)
    {
        await page.SetViewportAsync(new ViewPortOptions { Width = 768, Height = 1024 });
        await page.GoToAsync(Url(api, path));
        await PageWaits.UntilAsync(page, ["main"], "h => document.querySelector('h1')?.innerText === h && !document.querySelector('main .mud-progress-linear')", heading);
        var widths = await page.EvaluateFunctionAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"/{path} is {widths[0]} px wide in a {widths[1]} px window");
        await ScreenshotAsync(page, "768-" + path.Split('/')[0]);
    }

    [Fact]
    public async Task A_list_page_shows_its_counts_and_imports_finds_a_record_by_phone_pages_by_key_and_schedules_an_sftp_import()
    {
        var (_, key, http) = await TenantAsync(api);
        var lists = new ListClient(http);
        var list = await lists.CreateListAsync(new { name = "Berlin customers" });
        // 55 records: one full page of 50 and a second of 5.
        ListClient.Succeeded(await lists.ImportAsync(list, "client_id,first_name,last_name,phone1,email,country,tz\n"
            + string.Concat(Enumerable.Range(1, 55).Select(i => $"B{i:00},Ann{i},Smith,+49301234560{i:00},b{i}@example.com,DE,Europe/Berlin\n"))));
        var sftp = await http.CreateSftpConnectionAsync();

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "lists");
        await SignedInAsync(page, key);

        // The lists page names each list as a link to its own page.
        await page.WaitForSelectorAsync($"a[href='lists/{list}']", new WaitForSelectorOptions { Timeout = 60_000 });
        await page.ClickAsync($"a[href='lists/{list}']");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Text("count-records")} === '55'");
        Assert.Equal("Berlin customers", await PageWaits.TextAsync(page, "h1"));
        Assert.Contains("Europe/Berlin", await page.EvaluateExpressionAsync<string>(Text("by-zone")));
        Assert.Contains("succeeded", await page.EvaluateExpressionAsync<string>(Text("imports")));

        // Page by page: 50, then the last 5, then back to the first 50.
        await PageWaits.UntilAsync(page, ["main"], $"() => {Rows("records")} === 50");
        await page.ClickAsync("[data-testid=records-next]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Rows("records")} === 5 && {Text("records-page")}.includes('Page 2')");
        await page.ClickAsync("[data-testid=records-previous]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Rows("records")} === 50 && {Text("records-page")}.includes('Page 1')");

        // A phone number finds its one record, which links to the contact's messages.
        await page.TypeAsync(Input("record-search"), "+4930123456007");
        await page.ClickAsync("[data-testid=record-search-go]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Rows("records")} === 1 && {Text("records")}.includes('B07')");
        var href = await page.EvaluateExpressionAsync<string>("document.querySelector('[data-testid=records] tbody a').getAttribute('href')");
        Assert.Matches("^contacts/[0-9a-f-]{36}/messages$", href);

        // A schedule without its remote path is refused at that field; with it, it is saved for this list.
        await page.WaitForSelectorAsync("[data-testid=sftp-schedule-create]");
        await page.ClickAsync("[data-testid=sftp-schedule-create]");
        await PageWaits.UntilAsync(page, ["main"], $"() => ({FieldText("sftp-remote-path")}).includes('is required')");
        await page.TypeAsync(Input("sftp-remote-path"), "drop/customers.csv");
        await page.ClickAsync("[data-testid=sftp-schedule-create]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Text("sftp-schedule-created")}.includes('is saved')");
        var schedules = await HttpAssert.Json(await http.GetAsync("/api/v1/schedules"), HttpStatusCode.OK);
        var action = Assert.Single(schedules.EnumerateArray()).GetProperty("action");
        Assert.Equal(("import-contact-list", list, sftp, "drop/customers.csv"), (action.GetProperty("type").GetString(), action.GetProperty("listId").GetGuid(),
            action.GetProperty("sftpConnectionId").GetGuid(), action.GetProperty("remotePath").GetString()));

        await Accessibility.AssertCleanAsync(page, "contact list");
        await ScreenshotAsync(page, "contact-list");
        await AssertNarrowAsync(page, $"lists/{list}", "Berlin customers");
    }

    [Fact]
    public async Task A_suppression_list_is_made_imported_with_a_bad_row_searched_and_an_expired_entry_counted_then_purged()
    {
        var (_, key, http) = await TenantAsync(api);
        var file = Path.Combine(Directory.CreateTempSubdirectory("cxc-console-dnc-").FullName, "dnc.csv");
        // 10 numbers and one that is not: under the 10 % of rejects at which an import fails.
        await File.WriteAllTextAsync(file, "phone,source\n" + string.Concat(Enumerable.Range(1, 10).Select(i => $"+4930111100{i:00},registry\n")) + "not a number,registry\n");

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "suppression");
        await SignedInAsync(page, key);
        await page.WaitForSelectorAsync(Input("new-list-name"), new WaitForSelectorOptions { Timeout = 60_000 });
        await page.TypeAsync(Input("new-list-name"), "Registry DNC");
        await page.ClickAsync("[data-testid=new-list-create]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Text("count-total")} === '0'");

        var input = await page.WaitForSelectorAsync("input[type=file]");
        await input.UploadFileAsync(file);
        await PageWaits.UntilAsync(page, ["main"], "() => !document.querySelector('[data-testid=suppression-import]').disabled");
        await page.ClickAsync("[data-testid=suppression-import]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Text("suppression-import-state")} === 'succeeded'");
        Assert.Equal(("10", "1"), (await page.EvaluateExpressionAsync<string>(Text("suppression-import-accepted")),
            await page.EvaluateExpressionAsync<string>(Text("suppression-import-rejected"))));
        await page.WaitForSelectorAsync("[data-testid=suppression-import-errors]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Text("count-total")} === '10' && {Rows("entries")} === 10");

        // An exact number finds its one entry.
        await page.TypeAsync(Input("entry-search-value"), "+49 30 11110005");
        await page.ClickAsync("[data-testid=entry-search]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Rows("entries")} === 1 && {Text("entries")}.includes('+493011110005')");

        // An entry that expired yesterday is counted as expired until it is purged.
        await page.TypeAsync(Input("entry-value"), "+49 30 9999999");
        await page.TypeAsync(Input("entry-expires"), DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"));
        await page.ClickAsync("[data-testid=entry-add]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Text("count-expired")} === '1' && {Text("count-total")} === '11'");
        await Accessibility.AssertCleanAsync(page, "suppression after an import");
        await ScreenshotAsync(page, "suppression-imported");

        await page.ClickAsync("[data-testid=purge-expired]");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Text("count-expired")} === '0' && {Text("count-total")} === '10'");
        var lists = await HttpAssert.Json(await http.GetAsync("/api/v1/suppression-lists"), HttpStatusCode.OK);
        var dnc = new SuppressionClient(http);
        var listId = Assert.Single(lists.EnumerateArray()).GetProperty("id").GetGuid();
        var gone = await HttpAssert.Json(await http.GetAsync($"/api/v1/suppression-lists/{listId}/entries?type=phone&value=%2B49309999999"), HttpStatusCode.OK);
        Assert.Empty(gone.GetProperty("entries").EnumerateArray());
        Assert.True(await dnc.PhoneSuppressedAsync(listId, "+493011110005"));

        await Accessibility.AssertCleanAsync(page, "suppression after a purge");
        await AssertNarrowAsync(page, "suppression", "Suppression lists");
    }
}
