using System.Net;
using System.Security.Cryptography;
using System.Text;
using CxContact.Server.Tests.Infrastructure;
using Npgsql;

namespace CxContact.Server.Tests.Platform;

/// <summary>Tenants, API keys and roles over real HTTP against a real server, database and Redis.</summary>
public sealed class TenancyApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<(Guid TenantId, string AdminKey)> NewTenantAsync(string? name = null)
    {
        var json = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants",
            new { name = name ?? "Tenant " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        return (json.GetProperty("tenant").GetProperty("id").GetGuid(), json.GetProperty("adminKey").GetProperty("key").GetString()!);
    }

    private async Task<string> NewKeyAsync(string adminKey, string role)
    {
        var json = await HttpAssert.Json(await api.Client(adminKey).PostJson("/api/v1/api-keys", new { name = role + " key", role }),
            HttpStatusCode.Created);
        Assert.Equal(role, json.GetProperty("role").GetString());
        return json.GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task Without_a_key_the_api_answers_401_problem_details()
    {
        var problem = await HttpAssert.Problem(await api.Client().GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_key_answers_401()
    {
        await HttpAssert.Problem(await api.Client("cxc_notakeynotakeynotakeynotakeynotakey").GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_new_tenant_admin_key_authenticates_as_that_tenant()
    {
        var name = "Acme " + Guid.NewGuid().ToString("N")[..6];
        var (tenantId, key) = await NewTenantAsync(name);

        var me = await HttpAssert.Json(await api.Client(key).GetAsync("/api/v1/me"), HttpStatusCode.OK);

        Assert.Equal(tenantId, me.GetProperty("tenant").GetProperty("id").GetGuid());
        Assert.Equal(name, me.GetProperty("tenant").GetProperty("name").GetString());
        Assert.Equal("admin", me.GetProperty("key").GetProperty("role").GetString());
        Assert.Equal("America/New_York", me.GetProperty("tenant").GetProperty("settings").GetProperty("defaultTimeZone").GetString());
    }

    [Fact]
    public async Task Only_system_admins_create_or_list_tenants()
    {
        var (_, adminKey) = await NewTenantAsync();
        var problem = await HttpAssert.Problem(await api.Client(adminKey).PostJson("/api/v1/tenants", new { name = "Sneaky" }), HttpStatusCode.Forbidden);
        Assert.Contains("system-admin", problem.GetProperty("detail").GetString());
        await HttpAssert.Problem(await api.Client(adminKey).GetAsync("/api/v1/tenants"), HttpStatusCode.Forbidden);

        var list = await HttpAssert.Json(await api.Admin().GetAsync("/api/v1/tenants"), HttpStatusCode.OK);
        Assert.DoesNotContain(list.EnumerateArray(), t => t.GetProperty("name").GetString() == "system");
    }

    [Fact]
    public async Task Another_tenants_id_in_the_path_is_refused()
    {
        var (mine, myKey) = await NewTenantAsync();
        var (theirs, _) = await NewTenantAsync();

        await HttpAssert.Json(await api.Client(myKey).GetAsync($"/api/v1/tenants/{mine}"), HttpStatusCode.OK);
        var problem = await HttpAssert.Problem(await api.Client(myKey).GetAsync($"/api/v1/tenants/{theirs}"), HttpStatusCode.Forbidden);
        Assert.Contains(theirs.ToString(), problem.GetProperty("detail").GetString());
        await HttpAssert.Problem(await api.Client(myKey).SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tenants/{theirs}/settings")
        {
            Content = new StringContent("""{"defaultCountry":"GB","defaultTimeZone":"Europe/London"}""", Encoding.UTF8, "application/json"),
        }), HttpStatusCode.Forbidden);

        // A system admin may look at any tenant.
        await HttpAssert.Json(await api.Admin().GetAsync($"/api/v1/tenants/{theirs}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Roles_limit_what_a_key_may_do()
    {
        var (tenantId, adminKey) = await NewTenantAsync();
        var viewer = await NewKeyAsync(adminKey, "viewer");
        var dialer = await NewKeyAsync(adminKey, "dialer");

        await HttpAssert.Json(await api.Client(viewer).GetAsync($"/api/v1/tenants/{tenantId}"), HttpStatusCode.OK);
        var problem = await HttpAssert.Problem(await api.Client(viewer).PostJson("/api/v1/api-keys", new { name = "x", role = "admin" }), HttpStatusCode.Forbidden);
        Assert.Contains("role viewer", problem.GetProperty("detail").GetString());
        await HttpAssert.Problem(await api.Client(dialer).GetAsync($"/api/v1/tenants/{tenantId}"), HttpStatusCode.Forbidden);
        // Every key may ask who it is.
        var me = await HttpAssert.Json(await api.Client(dialer).GetAsync("/api/v1/me"), HttpStatusCode.OK);
        Assert.Equal("dialer", me.GetProperty("key").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Keys_are_shown_once_and_stored_only_as_a_hash()
    {
        var (tenantId, adminKey) = await NewTenantAsync();
        var key = await NewKeyAsync(adminKey, "supervisor");

        var listing = await HttpAssert.Json(await api.Client(adminKey).GetAsync("/api/v1/api-keys"), HttpStatusCode.OK);
        Assert.DoesNotContain(key, listing.ToString());
        Assert.Equal(2, listing.GetArrayLength());

        await using var db = NpgsqlDataSource.Create(api.Postgres);
        await using var cmd = db.CreateCommand("SELECT key_hash, key_hint, name FROM api_keys WHERE tenant_id = @t AND role = 'supervisor'");
        cmd.Parameters.AddWithValue("t", tenantId);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), (byte[])r[0]);
        Assert.True(key.StartsWith(r.GetString(1)) && r.GetString(1).Length < key.Length / 2);
    }

    [Fact]
    public async Task A_revoked_key_stops_working()
    {
        var (_, adminKey) = await NewTenantAsync();
        var created = await HttpAssert.Json(await api.Client(adminKey).PostJson("/api/v1/api-keys", new { name = "temp", role = "viewer" }), HttpStatusCode.Created);
        var key = created.GetProperty("key").GetString()!;
        await HttpAssert.Json(await api.Client(key).GetAsync("/api/v1/me"), HttpStatusCode.OK);

        var revoked = await HttpAssert.Json(await api.Client(adminKey).DeleteAsync($"/api/v1/api-keys/{created.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKindNull, revoked.GetProperty("revokedAt").ValueKind);

        await HttpAssert.Problem(await api.Client(key).GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
        await HttpAssert.Problem(await api.Client(adminKey).DeleteAsync($"/api/v1/api-keys/{Guid.CreateVersion7()}"), HttpStatusCode.NotFound);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task Tenant_names_are_unique_ignoring_case()
    {
        var name = "Unique " + Guid.NewGuid().ToString("N")[..6];
        await NewTenantAsync(name);
        var problem = await HttpAssert.Problem(await api.Admin().PostJson("/api/v1/tenants", new { name = name.ToUpperInvariant() }), HttpStatusCode.Conflict);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Settings_are_validated_and_kept()
    {
        var (tenantId, adminKey) = await NewTenantAsync();
        var client = api.Client(adminKey);
        var bad = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tenants/{tenantId}/settings")
        {
            Content = new StringContent("""{"defaultCountry":"XX","defaultTimeZone":"Mars/Olympus_Mons"}""", Encoding.UTF8, "application/json"),
        });
        var problem = await HttpAssert.FieldError(bad, "defaultCountry");
        Assert.True(problem.GetProperty("errors").TryGetProperty("defaultTimeZone", out _));

        var ok = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tenants/{tenantId}/settings")
        {
            Content = new StringContent("""{"defaultCountry":"GB","defaultTimeZone":"Europe/London"}""", Encoding.UTF8, "application/json"),
        });
        await HttpAssert.Json(ok, HttpStatusCode.OK);
        var tenant = await HttpAssert.Json(await client.GetAsync($"/api/v1/tenants/{tenantId}"), HttpStatusCode.OK);
        Assert.Equal("GB", tenant.GetProperty("settings").GetProperty("defaultCountry").GetString());

        var audit = await HttpAssert.Json(await client.GetAsync("/api/v1/audit-log?limit=10"), HttpStatusCode.OK);
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "tenant.settings-changed");
        await HttpAssert.FieldError(await client.GetAsync("/api/v1/audit-log?limit=0"), "limit");
    }
}
