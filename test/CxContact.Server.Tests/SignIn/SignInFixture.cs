using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.SignIn;

/// <summary>A server with single sign-on against the run's local OpenID Connect provider, and helpers to set tenants up.</summary>
public sealed class SignInFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public LocalOidcProvider Provider { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await LocalOidcProvider.SharedAsync();
        foreach (var (k, v) in Provider.ServerSettings) Api.With(k, v);
        await Api.InitializeAsync();
    }

    public Task DisposeAsync() => Api.DisposeAsync();

    public Uri Url(string path) => new(Api.BaseAddress, path);

    /// <summary>A new tenant whose mapping is the given group → role lines; returns its id, name and admin key.</summary>
    public async Task<(Guid Id, string Name, HttpClient Admin)> TenantAsync(params (string Group, string Role)[] mappings)
    {
        var name = "SSO " + Guid.NewGuid().ToString("N")[..8];
        var created = await HttpAssert.Json(await Api.Admin().PostJson("/api/v1/tenants", new { name }), HttpStatusCode.Created);
        var id = created.GetProperty("tenant").GetProperty("id").GetGuid();
        var admin = Api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
        await HttpAssert.Json(await admin.PutAsJsonAsync($"/api/v1/tenants/{id}/group-roles",
            new { mappings = mappings.Select(m => new { group = m.Group, role = m.Role }) }), HttpStatusCode.OK);
        return (id, name, admin);
    }

    /// <summary>A group name no other test uses.</summary>
    public static string Group(string what) => $"{what}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Signs in as <paramref name="login"/> (optionally to one tenant) and checks it reached the signed-in page.</summary>
    public async Task<CookieBrowser> SignedInAsync(string login, string? tenant = null, string returnUrl = "/")
    {
        var browser = new CookieBrowser();
        var response = await browser.SignInAsync(Url($"/auth/login?returnUrl={Uri.EscapeDataString(returnUrl)}" + (tenant is null ? "" : $"&tenant={Uri.EscapeDataString(tenant)}")), login);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK && response.RequestMessage!.RequestUri!.AbsolutePath == "/auth/signed-in",
            $"{login} did not get signed in: {(int)response.StatusCode} at {response.RequestMessage!.RequestUri}: {body}");
        return browser;
    }

    public async Task<JsonElement> MeAsync(CookieBrowser browser) =>
        await HttpAssert.Json(await browser.GetAsync(Url("/api/v1/me")), HttpStatusCode.OK);

    /// <summary>The session's antiforgery token, as the console fetches it.</summary>
    public async Task<string> AntiforgeryAsync(CookieBrowser browser) =>
        (await HttpAssert.Json(await browser.GetAsync(Url("/auth/antiforgery")), HttpStatusCode.OK)).GetProperty("token").GetString()!;
}
