using CxContact.Admin.Api;
using CxContact.Admin.Api.Models;
using Microsoft.JSInterop;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace CxContact.Admin;

/// <summary>
/// Who is signed in and the API client they call with. The key lives in the tab's sessionStorage (gone when the tab
/// closes, never in a cookie a form could be made to send); single sign-on (OIDC) will put a session cookie beside it.
/// The client is the one Kiota generates from /openapi/v1.json, the same other teams integrate with.
/// </summary>
public sealed class ApiSession(HttpClient http, IJSRuntime js)
{
    private const string StorageKey = "cxc-api-key";
    private string? _key;

    public Me? Me { get; private set; }
    public bool SignedIn => Me is not null;
    public event Action? Changed;

    public CxContactApiClient Api { get; private set; } = null!;

    /// <summary>The generated client's adapter: sends a request built by a generated builder whose body the console writes itself.</summary>
    public IRequestAdapter Adapter { get; private set; } = null!;

    /// <summary>Signs in with a key: kept only when the API accepts it (GET /api/v1/me).</summary>
    public async Task SignInAsync(string key, CancellationToken ct = default)
    {
        var (api, adapter) = Client(key.Trim());
        Me = await api.Api.V1.Me.GetAsync(cancellationToken: ct);
        (_key, Api, Adapter) = (key.Trim(), api, adapter);
        await js.InvokeVoidAsync("sessionStorage.setItem", ct, StorageKey, _key);
        Changed?.Invoke();
    }

    /// <summary>Picks up the key of this tab after a reload; false when there is none or it no longer works.</summary>
    public async Task<bool> RestoreAsync()
    {
        if (SignedIn) return true;
        var key = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey);
        if (string.IsNullOrEmpty(key)) return false;
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

    public async Task SignOutAsync()
    {
        (_key, Me) = (null, null);
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        Changed?.Invoke();
    }

    private (CxContactApiClient, IRequestAdapter) Client(string key)
    {
        var adapter = new HttpClientRequestAdapter(new KeyAuthentication(key), httpClient: http)
        {
            BaseUrl = new Uri(http.BaseAddress!, "/").ToString().TrimEnd('/'),
        };
        return (new CxContactApiClient(adapter), adapter);
    }

    /// <summary>"Authorization: Bearer key" on every request (Kiota's bearer provider would refuse plain-http hosts).</summary>
    private sealed class KeyAuthentication(string key) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? context = null, CancellationToken ct = default)
        {
            request.Headers.TryAdd("Authorization", "Bearer " + key);
            return Task.CompletedTask;
        }
    }
}
