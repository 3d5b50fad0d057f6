using System.Net;
using CxContact.Server.Tests.Infrastructure;
using PuppeteerSharp;

namespace CxContact.Server.Tests.Ui;

/// <summary>The admin UI in headless Chromium against the real server.</summary>
public sealed class AdminUiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static async Task SignInAsync(IPage page, Uri baseAddress, string key)
    {
        await page.GoToAsync(baseAddress.ToString());
        await page.TypeAsync("#api-key", key);
        await page.ClickAsync("#sign-in-form button");
        await page.WaitForSelectorAsync("#whoami:not([hidden])", new WaitForSelectorOptions { Timeout = 15000 });
    }

    private static Task<string> TextAsync(IPage page, string selector) =>
        page.EvaluateFunctionAsync<string>("s => document.querySelector(s).textContent", selector);

    [Fact]
    public async Task A_system_admin_creates_a_tenant_and_sees_its_key_once()
    {
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await SignInAsync(page, api.BaseAddress, api.SystemAdminKey);
        Assert.Contains("system-admin", await TextAsync(page, "#whoami"));

        // An empty name: the page shows the field the API named.
        await page.ClickAsync("#tenant-form button");
        await page.WaitForSelectorAsync("#error:not([hidden])");
        Assert.Contains("name: is required", await TextAsync(page, "#error"));

        var name = "UI " + Guid.NewGuid().ToString("N")[..6];
        await page.TypeAsync("#tenant-form input[name=name]", name);
        await page.ClickAsync("#tenant-form button");
        await page.WaitForSelectorAsync("#new-key:not([hidden])");
        var key = await TextAsync(page, "#new-key-value");
        await page.WaitForFunctionAsync("n => document.querySelector('#tenants tbody').textContent.includes(n)", name);

        // The key the page showed really is the new tenant's admin key.
        var me = await HttpAssert.Json(await api.Client(key).GetAsync("/api/v1/me"), HttpStatusCode.OK);
        Assert.Equal(name, me.GetProperty("tenant").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_tenant_admin_creates_and_revokes_a_key()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "UI keys " + Guid.NewGuid().ToString("N")[..6] }), HttpStatusCode.Created);
        var adminKey = created.GetProperty("adminKey").GetProperty("key").GetString()!;

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await SignInAsync(page, api.BaseAddress, adminKey);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#keys tbody tr').length === 1");

        await page.TypeAsync("#key-form input[name=name]", "wallboard");
        await page.SelectAsync("#key-form select[name=role]", "viewer");
        await page.ClickAsync("#key-form button");
        await page.WaitForSelectorAsync("#new-key:not([hidden])");
        var viewerKey = await TextAsync(page, "#new-key-value");
        await HttpAssert.Json(await api.Client(viewerKey).GetAsync("/api/v1/me"), HttpStatusCode.OK);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#keys tbody tr').length === 2");

        await page.ClickAsync("#keys tbody tr:nth-child(2) button");
        await page.WaitForFunctionAsync("() => document.querySelector('#keys tbody tr:nth-child(2)').textContent.includes('revoked')");
        await HttpAssert.Problem(await api.Client(viewerKey).GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);

        await page.ScreenshotAsync(Path.Combine(Path.GetTempPath(), "cxc-admin-ui.png"));
    }
}
