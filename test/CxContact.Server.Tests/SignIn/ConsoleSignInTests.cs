using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Ui;
using CxContact.Testing;
using PuppeteerSharp;

namespace CxContact.Server.Tests.SignIn;

/// <summary>
/// Single sign-on in headless Chromium, as people use it: the console's sign-in page offers it, the provider's login
/// form brings the person back to the console signed in with their tenant and role, and a change they make carries the
/// antiforgery token. The Hangfire dashboard opened from a bookmark sends an operator to sign in and lands on the
/// dashboard: the SameSite=Strict cookie is sent on the page after the provider's cross-site redirect.
/// </summary>
public sealed class ConsoleSignInTests(SignInFixture fx) : IClassFixture<SignInFixture>
{
    [Fact]
    public async Task A_person_signs_in_to_the_console_with_single_sign_on_changes_a_setting_and_signs_out()
    {
        var admins = SignInFixture.Group("admins");
        var tenant = await fx.TenantAsync((admins, "admin"));
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await ConsolePage.OpenAsync(browser, fx.Api, "settings");
        await page.WaitForSelectorAsync("[data-testid=sso]", new WaitForSelectorOptions { Timeout = 60_000 });
        await ConsolePage.ScreenshotAsync(page, "sign-in-sso");
        // The provider's pages never finish loading here (their stylesheet imports a web font from the internet): wait for
        // what is on them, not for their load event.
        await page.ClickAsync("[data-testid=sso]");
        await page.WaitForSelectorAsync("input[name=login]", new WaitForSelectorOptions { Timeout = 30_000 });
        await page.TypeAsync("input[name=login]", $"carol:{admins}");
        await page.TypeAsync("input[name=password]", "any");
        await page.ClickAsync("button[type=submit]");
        await PageWaits.UntilAsync(page, ["body"], "() => document.querySelector('[data-testid=who]')?.innerText.includes('carol@example.test')");
        var who = await page.EvaluateExpressionAsync<string>("document.querySelector('[data-testid=who]').innerText");
        Assert.Contains(tenant.Name, who);
        Assert.Contains("admin", who);
        Assert.EndsWith("/settings", page.Url);
        Assert.Empty(await page.EvaluateExpressionAsync<string>("document.cookie")
            .ContinueWith(t => t.Result.Split(';').Where(c => c.Trim().StartsWith("__Host-cxc-session")).ToList()));

        // A change through the console's own API client is accepted: the antiforgery token went with it.
        await page.ClickAsync(ConsolePage.Input("settings-country"), new PuppeteerSharp.Input.ClickOptions { Count = 3 });
        await page.Keyboard.TypeAsync("GB");
        await page.ClickAsync(ConsolePage.Input("settings-zone"), new PuppeteerSharp.Input.ClickOptions { Count = 3 });
        await page.Keyboard.TypeAsync("Europe/London");
        await page.ClickAsync("[data-testid=settings-save]");
        await PageWaits.UntilAsync(page, ["body"], "() => document.querySelector('[data-testid=default-country]')?.innerText === 'GB'");
        var audit = await HttpAssert.Json(await tenant.Admin.GetAsync("/api/v1/audit-log?action=tenant.settings-changed"), System.Net.HttpStatusCode.OK);
        Assert.Equal("carol@example.test", audit[0].GetProperty("actorName").GetString());

        await page.ClickAsync("text/Sign out");
        await PageWaits.UntilAsync(page, ["body"], $"() => location.href.startsWith('{fx.Provider.Issuer.ToString().TrimEnd('/')}')");
        var after = await page.GoToAsync(ConsolePage.Url(fx.Api, "api/v1/me"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, after.Status);
    }

    [Fact]
    public async Task An_operator_opening_the_hangfire_dashboard_signs_in_and_lands_on_it()
    {
        var operators = SignInFixture.Group("operators");
        await fx.Api.Admin().PutAsync($"/api/v1/tenants/{Guid.Empty}/group-roles", System.Net.Http.Json.JsonContent.Create(
            new { mappings = new[] { new { group = operators, role = "system-admin" } } }));
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.GoToAsync(ConsolePage.Url(fx.Api, "hangfire"), new NavigationOptions { WaitUntil = [WaitUntilNavigation.DOMContentLoaded] });
        await page.WaitForSelectorAsync("input[name=login]", new WaitForSelectorOptions { Timeout = 30_000 });
        await page.TypeAsync("input[name=login]", $"olga:{operators}");
        await page.TypeAsync("input[name=password]", "any");
        await page.ClickAsync("button[type=submit]");
        await PageWaits.UntilAsync(page, ["body"], "() => location.pathname === '/hangfire' && document.title.includes('Dashboard')");
        await ConsolePage.ScreenshotAsync(page, "hangfire-after-sso");
    }
}
