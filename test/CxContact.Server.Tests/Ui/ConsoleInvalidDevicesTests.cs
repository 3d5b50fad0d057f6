using CxContact.Testing;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;
using PuppeteerSharp;
using static CxContact.Server.Tests.Ui.ConsolePage;

namespace CxContact.Server.Tests.Ui;

/// <summary>
/// A list's records page in headless Chromium shows what an import kept but cannot use: the record with a valid
/// phone1 and an invalid phone2 is marked and lists "phone2 '12345': reason", the count is labelled "Invalid devices",
/// and "Only records with invalid devices" leaves that record alone. The page is clean under axe-core and neither it
/// nor the records table scrolls sideways at 1280 px.
/// </summary>
public sealed class ConsoleInvalidDevicesTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static string Text(string testId) => $"(document.querySelector('[data-testid={testId}]')?.innerText ?? '')";

    private static string Rows => "document.querySelectorAll('[data-testid=records] tbody tr').length";

    [Fact]
    public async Task A_record_with_an_invalid_phone2_shows_it_as_a_warning_with_its_reason_and_the_filter_finds_it()
    {
        var (_, key, http) = await TenantAsync(api);
        var lists = new ListClient(http);
        var list = await lists.CreateListAsync(new { name = "Mixed phones" });
        ListClient.Succeeded(await lists.ImportAsync(list, """
            client_id,first_name,last_name,phone1,phone2,country,tz
            M01,Vera,Valid,+493012345601,,DE,Europe/Berlin
            M02,Ida,Invalid,+493012345602,12345,DE,Europe/Berlin
            M03,Otto,Other,+493012345603,,DE,Europe/Berlin
            """));
        // The reason as the API words it; the page shows it after the field and the value as imported.
        var invalid = Assert.Single((await lists.RecordsAsync(list)).Single(r => r.GetProperty("clientId").GetString() == "M02")
            .GetProperty("invalidDevices").EnumerateArray());
        var warning = $"phone2 '12345': {invalid.GetProperty("reason").GetString()}";

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, $"lists/{list}");
        await SignedInAsync(page, key);
        await PageWaits.UntilAsync(page, ["main"], $"() => {Text("count-invalid")} === '1' && {Rows} === 3");
        Assert.Contains("Invalid devices", await page.EvaluateExpressionAsync<string>(Text("list-counts")));

        // Only M02's row is marked, and its warning names field, value and reason (rows in contact id order, so sorted here).
        var rows = await page.EvaluateExpressionAsync<string[][]>("""
            [...document.querySelectorAll('[data-testid=records] tbody tr')].map(tr =>
              [tr.cells[0].innerText, tr.className, tr.querySelector('[data-testid=invalid-devices]')?.innerText.trim() ?? ''])
            """);
        Assert.Equal([["M01", "", ""], ["M02", "cxc-row-invalid", warning], ["M03", "", ""]], rows.OrderBy(r => r[0], StringComparer.Ordinal));
        Assert.Contains("+493012345602", await page.EvaluateExpressionAsync<string>(Text("records")));

        await Accessibility.AssertCleanAsync(page, "records with an invalid device");
        var widths = await page.EvaluateFunctionAsync<int[]>("""
            () => { const t = document.querySelector('[data-testid=records]').closest('.cxc-scroll');
                    return [document.documentElement.scrollWidth, document.documentElement.clientWidth, t.scrollWidth, t.clientWidth]; }
            """);
        Assert.True(widths[0] <= widths[1] && widths[2] <= widths[3], $"page {widths[0]}/{widths[1]} px, records table {widths[2]}/{widths[3]} px");
        await ScreenshotAsync(page, "records-invalid-devices");

        // The filter asks the server, so it finds the one record whichever page it is on; off again, all three.
        await page.EvaluateExpressionAsync("document.querySelector('[data-testid=records-invalid-only] input, input[data-testid=records-invalid-only]').click()");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Rows} === 1 && {Text("records")}.includes('M02')");
        await Accessibility.AssertCleanAsync(page, "records filtered to invalid devices");
        await page.EvaluateExpressionAsync("document.querySelector('[data-testid=records-invalid-only] input, input[data-testid=records-invalid-only]').click()");
        await PageWaits.UntilAsync(page, ["main"], $"() => {Rows} === 3");
    }
}
