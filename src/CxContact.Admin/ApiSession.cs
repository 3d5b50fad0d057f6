using System.Net.Http.Json;
using CxContact.Admin.Api;
using CxContact.Admin.Api.Models;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace CxContact.Admin;

/// <summary>
/// Who is signed in and the API client they call with: an API key, kept in the tab's sessionStorage (gone when the tab
/// closes, never in a cookie a form could be made to send), or a person signed in with single sign-on, whose session is
/// an HttpOnly cookie the browser sends by itself (changes then carry the antiforgery token, <see cref="AntiforgeryHandler"/>).
/// The client is the one Kiota generates from /openapi/v1.json, the same other teams integrate with.
/// </summary>
public sealed class ApiSession(HttpClient http, IJSRuntime js, AntiforgeryHandler antiforgery, NavigationManager navigation)
{
    private const string StorageKey = "cxc-api-key";
    private string? _key;
    private SignInConfig? _config;

    public Me? Me { get; private set; }
    public bool SignedIn => Me is not null;
    /// <summary>Signed in as a person (single sign-on) rather than with a key.</summary>
    public bool Person => SignedIn && _key is null;
    public event Action? Changed;

    public CxContactApiClient Api { get; private set; } = null!;

    /// <summary>The generated client's adapter: sends a request built by a generated builder whose body the console writes itself.</summary>
    public IRequestAdapter Adapter { get; private set; } = null!;

    /// <summary>Whether the platform offers single sign-on (asked once, without a key).</summary>
    public async Task<bool> SingleSignOnAsync()
    {
        try { _config ??= await http.GetFromJsonAsync<SignInConfig>("/auth/config"); }
        catch (HttpRequestException) { return false; }
        return _config?.SingleSignOn == true;
    }

    /// <summary>Leaves the console for the identity provider; it sends the person back to this page signed in.</summary>
    public void StartSingleSignOn()
    {
        var back = "/" + navigation.ToBaseRelativePath(navigation.Uri);
        navigation.NavigateTo("/auth/login?returnUrl=" + Uri.EscapeDataString(back), forceLoad: true);
    }

    /// <summary>Signs in with a key: kept only when the API accepts it (GET /api/v1/me).</summary>
    public async Task SignInAsync(string key, CancellationToken ct = default)
    {
        var (api, adapter) = Client(key.Trim());
        Me = await api.Api.V1.Me.GetAsync(cancellationToken: ct);
        (_key, Api, Adapter, antiforgery.Token) = (key.Trim(), api, adapter, null);
        await js.InvokeVoidAsync("sessionStorage.setItem", ct, StorageKey, _key);
        Changed?.Invoke();
    }

    /// <summary>Picks up the key of this tab, or the person's session cookie, after a reload; false when neither works.</summary>
    public async Task<bool> RestoreAsync()
    {
        if (SignedIn) return true;
        var key = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey);
        if (!string.IsNullOrEmpty(key))
        {
            try
            {
                await SignInAsync(key);
                return true;
            }
            catch (ApiException)
            {
                await SignOutAsync();
                return false;
            }
        }
        return await SingleSignOnAsync() && await SessionAsync();
    }

    public async Task SignOutAsync()
    {
        string? endSessionUrl = null;
        if (Person)
        {
            // The token goes with it (a POST): nobody else's page can sign this person out.
            var response = await http.PostAsync("/auth/logout", null);
            if (response.IsSuccessStatusCode) endSessionUrl = (await response.Content.ReadFromJsonAsync<SignedOut>())?.EndSessionUrl;
        }
        (_key, Me, antiforgery.Token) = (null, null, null);
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        Changed?.Invoke();
        // The identity provider's own session ends too, or the next "single sign-on" would sign the same person in unasked.
        if (endSessionUrl is not null) navigation.NavigateTo(endSessionUrl, forceLoad: true);
    }

    /// <summary>The session cookie's person, if the browser has a session; its antiforgery token goes with every change.</summary>
    private async Task<bool> SessionAsync()
    {
        var (api, adapter) = Client(null);
        try { Me = await api.Api.V1.Me.GetAsync(); }
        catch (ApiException) { return false; }
        var token = await http.GetFromJsonAsync<AntiforgeryToken>("/auth/antiforgery");
        (_key, Api, Adapter, antiforgery.Token) = (null, api, adapter, token?.Token);
        Changed?.Invoke();
        return true;
    }

    private (CxContactApiClient, IRequestAdapter) Client(string? key)
    {
        var adapter = new HttpClientRequestAdapter(new KeyAuthentication(key), httpClient: http)
        {
            BaseUrl = new Uri(http.BaseAddress!, "/").ToString().TrimEnd('/'),
        };
        return (new CxContactApiClient(adapter), adapter);
    }

    private sealed record SignInConfig(bool SingleSignOn, string? SignInUrl, string SignOutUrl);
    private sealed record AntiforgeryToken(string HeaderName, string Token);
    private sealed record SignedOut(string? EndSessionUrl);

    /// <summary>"Authorization: Bearer key" on every request (Kiota's bearer provider would refuse plain-http hosts); none for a session.</summary>
    private sealed class KeyAuthentication(string? key) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? context = null, CancellationToken ct = default)
        {
            if (key is not null) request.Headers.TryAdd("Authorization", "Bearer " + key);
            return Task.CompletedTask;
        }
    }
}
