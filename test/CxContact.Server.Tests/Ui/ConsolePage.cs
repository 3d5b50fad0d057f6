using System.Net;
using CxContact.Server.Tests.Infrastructure;
using PuppeteerSharp;

namespace CxContact.Server.Tests.Ui;

/// <summary>What every console test does: a tenant to sign in as, a page at 1280 px, sign-in, fields by test id, screenshots.</summary>
internal static class ConsolePage
{
    /// <summary>Screenshots of each page, kept as the test run's artifacts.</summary>
    public static readonly string Artifacts = Path.Combine(Path.GetTempPath(), "cxc-console-screens");

    public static async Task<(Guid TenantId, string Key, HttpClient Http)> TenantAsync(ApiFactory api)
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Console " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var key = created.GetProperty("adminKey").GetProperty("key").GetString()!;
        return (created.GetProperty("tenant").GetProperty("id").GetGuid(), key, api.Client(key));
    }

    public static async Task<IPage> OpenAsync(IBrowser browser, ApiFactory api, string path = "")
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        await page.GoToAsync(Url(api, path));
        return page;
    }

    public static string Url(ApiFactory api, string path) => new Uri(api.BaseAddress, "/" + path).ToString();

    /// <summary>Types the key into the sign-in form and submits it (the caller waits for what it expects next).</summary>
    public static async Task SignInAsync(IPage page, string key)
    {
        await page.WaitForSelectorAsync(Input("api-key"), new WaitForSelectorOptions { Timeout = 60_000 });
        await page.TypeAsync("input[type=password]", key);
        await page.ClickAsync("button[type=submit]");
    }

    /// <summary>Signs in and waits until the console shows who is signed in.</summary>
    public static async Task SignedInAsync(IPage page, string key)
    {
        await SignInAsync(page, key);
        await PageWaits.UntilAsync(page, ["body"], "() => !!document.querySelector('[data-testid=who]')");
    }

    /// <summary>The text around a field: its label, value and the error MudBlazor shows under it.</summary>
    public static string FieldText(string testId) => $"document.querySelector('[data-testid={testId}]')?.closest('.mud-input-control')?.innerText ?? ''";

    /// <summary>The input (or textarea) of a field marked data-testid (MudBlazor puts the attribute on it or on its wrapper).</summary>
    public static string Input(string testId) =>
        $"input[data-testid={testId}], [data-testid={testId}] input, textarea[data-testid={testId}], [data-testid={testId}] textarea";

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artifacts);
        await page.ScreenshotAsync(Path.Combine(Artifacts, name + ".png"), new ScreenshotOptions { FullPage = true });
    }
}
