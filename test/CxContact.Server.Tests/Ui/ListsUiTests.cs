using System.Net;
using CxContact.Server.Tests.Infrastructure;
using PuppeteerSharp;
using static CxContact.Server.Tests.Ui.PageWaits;

namespace CxContact.Server.Tests.Ui;

/// <summary>The lists section of the admin UI in headless Chromium: contact and suppression lists, entries and file imports.</summary>
public sealed class ListsUiTests(ApiFactory api) : IClassFixture<ApiFactory>, IDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("cxc-ui-files-").FullName;

    private static readonly string[] Shown = ["#error", "#lists", "#import-status"];

    private static Task UntilAsync(IPage page, string condition, params object[] args) => PageWaits.UntilAsync(page, Shown, condition, args);

    /// <summary>The cells of the table row whose first cell is <paramref name="name"/>.</summary>
    private static Task<string[]> RowAsync(IPage page, string table, string name) => page.EvaluateFunctionAsync<string[]>(
        "(t, n) => [...(([...document.querySelectorAll(t + ' tbody tr')].find(tr => tr.cells[0].textContent === n) ?? {cells: []}).cells)].map(td => td.textContent)",
        table, name);

    private async Task ImportAsync(IPage page, string target, string csv, string mode)
    {
        var file = Path.Combine(_files, Guid.NewGuid().ToString("N")[..8] + ".csv");
        await File.WriteAllTextAsync(file, csv);
        await page.SelectAsync("#import-form select[name=target]", target);
        await page.SelectAsync("#import-form select[name=mode]", mode);
        await (await page.QuerySelectorAsync("#import-form input[type=file]")).UploadFileAsync(file);
        await page.ClickAsync("#import-form button[type=submit]");
    }

    [Fact]
    public async Task An_operator_creates_lists_imports_files_adds_an_entry_and_sees_the_counts_and_named_errors()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "UI lists " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var adminKey = created.GetProperty("adminKey").GetProperty("key").GetString()!;
        var http = api.Client(adminKey);

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.GoToAsync(api.BaseAddress.ToString());
        await page.TypeAsync("#api-key", adminKey);
        await page.ClickAsync("#sign-in-form button");
        await page.WaitForSelectorAsync("#lists:not([hidden])", new WaitForSelectorOptions { Timeout = 15_000 });

        // A contact list, then a file into it: the status line follows the import to the end, and the counts follow.
        await page.TypeAsync("#contact-list-form input[name=name]", "<i>Spring</i> leads");
        await page.ClickAsync("#contact-list-form button[type=submit]");
        await UntilAsync(page, "() => document.querySelector('#contact-lists tbody').textContent.includes('<i>Spring</i> leads')");
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#lists i').length"));
        var contactList = (await HttpAssert.Json(await http.GetAsync("/api/v1/contact-lists"), HttpStatusCode.OK)).EnumerateArray().Single().GetProperty("id").GetGuid();
        // One bad row in three is over the default 10 % reject threshold: the import fails, says why, and the list stays empty.
        await ImportAsync(page, $"contact-lists/{contactList}", "client_id,phone1\nA,4155550101\nB,4155550102\nC,not a phone\n", "append");
        await UntilAsync(page, "() => document.querySelector('#import-status').dataset.state === 'failed'");
        Assert.Contains("more than the 10 % allowed", await TextAsync(page, "#import-status"));
        await ImportAsync(page, $"contact-lists/{contactList}", "client_id,phone1\nA,4155550101\nB,4155550102\n", "append");
        await UntilAsync(page, "() => document.querySelector('#import-status').dataset.state === 'succeeded'");
        Assert.Contains("2 rows read, 2 accepted, 0 rejected", await TextAsync(page, "#import-status"));
        await UntilAsync(page, "() => [...document.querySelectorAll('#contact-lists tbody tr td:nth-child(2)')].some(td => td.textContent === '2')");
        Assert.Equal(["<i>Spring</i> leads", "2", "2"], (await RowAsync(page, "#contact-lists", "<i>Spring</i> leads"))[..3]);
        await UntilAsync(page, "() => !!document.querySelector('#jobs tbody tr[data-kind=contact-list-import]')");

        // A suppression list: a malformed entry is refused naming the entry; a good one counts.
        await page.TypeAsync("#suppression-list-form input[name=name]", "Do not call");
        await page.ClickAsync("#suppression-list-form button[type=submit]");
        await UntilAsync(page, "() => document.querySelector('#suppression-lists tbody').textContent.includes('Do not call')");
        await page.TypeAsync("#entry-form input[name=value]", "12");
        await page.ClickAsync("#entry-form button[type=submit]");
        await UntilAsync(page, "() => !document.querySelector('#error').hidden && document.querySelector('#error').textContent.includes('entries[0].value')");
        await page.EvaluateExpressionAsync("document.querySelector('#entry-form input[name=value]').value = '(415) 555-0101'");
        await page.ClickAsync("#entry-form button[type=submit]");
        await UntilAsync(page, "() => document.querySelector('#error').hidden && (document.querySelector('#suppression-lists tbody td:nth-child(3)')?.textContent === '1')");

        // A file into the suppression list; "update" is not a suppression mode, and the answer says so.
        var dnc = (await HttpAssert.Json(await http.GetAsync("/api/v1/suppression-lists"), HttpStatusCode.OK)).EnumerateArray().Single().GetProperty("id").GetGuid();
        await ImportAsync(page, $"suppression-lists/{dnc}", "phone\n4155550102\n4155550103\n", "update");
        await UntilAsync(page, "() => !document.querySelector('#error').hidden && document.querySelector('#error').textContent.includes('mode:')");
        await ImportAsync(page, $"suppression-lists/{dnc}", "phone\n4155550102\n4155550103\n", "append");
        await UntilAsync(page, "() => document.querySelector('#import-status').dataset.state === 'succeeded'");
        await UntilAsync(page, "() => document.querySelector('#suppression-lists tbody td:nth-child(3)')?.textContent === '3'");
        Assert.Equal(3, (await HttpAssert.Json(await http.GetAsync($"/api/v1/suppression-lists/{dnc}"), HttpStatusCode.OK)).GetProperty("entryCount").GetInt64());
        await page.ScreenshotAsync(Path.Combine(Path.GetTempPath(), "cxc-lists-ui.png"), new ScreenshotOptions { FullPage = true });
    }

    public void Dispose()
    {
        try { Directory.Delete(_files, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
