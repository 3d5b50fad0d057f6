using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;
using Npgsql;

namespace CxContact.Server.Tests.Sftp;

/// <summary>/api/v1/sftp-connections over HTTP: CRUD, write-only credentials, validation, tenancy, and the live test.</summary>
public sealed class SftpConnectionsApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string Url = "/api/v1/sftp-connections";
    private static LocalSftp Sftp => LocalSftp.Shared;

    private sealed record Tenant(Guid Id, HttpClient Admin);

    private async Task<Tenant> TenantAsync()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Sftp " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        return new Tenant(created.GetProperty("tenant").GetProperty("id").GetGuid(),
            api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!));
    }

    private async Task<HttpClient> KeyAsync(Tenant tenant, string role)
    {
        var key = await HttpAssert.Json(await tenant.Admin.PostJson("/api/v1/api-keys", new { name = role, role }), HttpStatusCode.Created);
        return api.Client(key.GetProperty("key").GetString()!);
    }

    private static object KeyBody(string? privateKey = null, string? fingerprint = null, int? port = null, string? basePath = null) => new
    {
        name = "Drop " + Guid.NewGuid().ToString("N")[..8],
        host = Sftp.Host,
        port = port ?? Sftp.Port,
        username = Sftp.Username,
        privateKey = privateKey ?? Sftp.PrivateKey,
        hostKeyFingerprint = fingerprint ?? Sftp.HostKeyFingerprint,
        basePath = basePath ?? Sftp.Root,
    };

    private static async Task<JsonElement> CreatedAsync(HttpClient admin, object body) =>
        await HttpAssert.Json(await admin.PostJson(Url, body), HttpStatusCode.Created);

    private static Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();

    [Fact]
    public async Task Connections_are_created_listed_read_updated_and_deleted_without_ever_showing_credentials()
    {
        var t = await TenantAsync();
        Assert.True(Sftp.Password is not null, "password authentication needs the tests to run as root (they create a throwaway system user)");
        var bodies = new List<string>();
        async Task<JsonElement> Read(HttpResponseMessage r, HttpStatusCode status)
        {
            bodies.Add(await r.Content.ReadAsStringAsync());
            return await HttpAssert.Json(r, status);
        }

        var create = await t.Admin.PostJson(Url, KeyBody());
        Assert.Equal($"{Url}/{Id(await Read(create, HttpStatusCode.Created))}", create.Headers.Location?.ToString());
        var created = JsonDocument.Parse(bodies[^1]).RootElement;
        Assert.True(created.GetProperty("hasPrivateKey").GetBoolean());
        Assert.False(created.GetProperty("hasPassword").GetBoolean());
        Assert.Equal(Sftp.Port, created.GetProperty("port").GetInt32());
        Assert.Equal(Sftp.HostKeyFingerprint, created.GetProperty("hostKeyFingerprint").GetString());
        Assert.Equal(["basePath", "createdAt", "hasPassword", "hasPrivateKey", "host", "hostKeyFingerprint", "id", "name", "port", "updatedAt", "username"],
            created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var id = Id(created);

        var list = await Read(await t.Admin.GetAsync(Url), HttpStatusCode.OK);
        Assert.Equal([id], list.EnumerateArray().Select(Id));
        var one = await Read(await t.Admin.GetAsync($"{Url}/{id}"), HttpStatusCode.OK);
        Assert.Equal(created.GetProperty("name").GetString(), one.GetProperty("name").GetString());

        // Switching to a password replaces the key; renaming alone keeps the credentials.
        var patched = await Read(await t.Admin.PatchAsJsonAsync($"{Url}/{id}", new { password = Sftp.Password }), HttpStatusCode.OK);
        Assert.True(patched.GetProperty("hasPassword").GetBoolean());
        Assert.False(patched.GetProperty("hasPrivateKey").GetBoolean());
        var renamed = await Read(await t.Admin.PatchAsJsonAsync($"{Url}/{id}", new { name = "Renamed", basePath = "" }), HttpStatusCode.OK);
        Assert.Equal("Renamed", renamed.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, renamed.GetProperty("basePath").ValueKind);
        Assert.True(renamed.GetProperty("hasPassword").GetBoolean());
        // The stored password still works: the test lists the login directory, which is the fixture's root.
        Assert.True((await Read(await t.Admin.PostAsync($"{Url}/{id}/test", null), HttpStatusCode.OK)).GetProperty("ok").GetBoolean());

        var put = await Read(await t.Admin.PutAsJsonAsync($"{Url}/{id}", new
        {
            name = "Replaced", host = Sftp.Host, port = Sftp.Port, username = Sftp.Username, hostKeyFingerprint = Sftp.HostKeyFingerprint,
            basePath = Sftp.Root,
        }), HttpStatusCode.OK);
        Assert.Equal("Replaced", put.GetProperty("name").GetString());
        Assert.True(put.GetProperty("hasPassword").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await t.Admin.DeleteAsync($"{Url}/{id}")).StatusCode);
        bodies.Add(await (await t.Admin.GetAsync(Url)).Content.ReadAsStringAsync());
        await HttpAssert.Problem(await t.Admin.GetAsync($"{Url}/{id}"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await t.Admin.DeleteAsync($"{Url}/{id}"), HttpStatusCode.NotFound);

        foreach (var body in bodies) AssertNoSecret(body);
        Assert.Equal("[]", bodies[^1]);
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(Sftp.Password!, text);
        Assert.DoesNotContain("PRIVATE KEY", text);
        // Any line of the key's body would be a leak, not only the whole key.
        foreach (var line in Sftp.PrivateKey.Split('\n').Where(l => l.Length > 20 && !l.StartsWith("-----")))
            Assert.DoesNotContain(line, text);
    }

    [Fact]
    public async Task Credentials_are_stored_sealed_and_kept_out_of_the_audit_log()
    {
        var t = await TenantAsync();
        var password = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var withKey = Id(await CreatedAsync(t.Admin, KeyBody()));
        var withPassword = Id(await CreatedAsync(t.Admin, new
        {
            name = "Password one", host = "sftp.example.com", username = "ops", password, hostKeyFingerprint = Sftp.HostKeyFingerprint,
        }));

        await using var db = NpgsqlDataSource.Create(api.Postgres);
        await using var cmd = db.CreateCommand("""
            SELECT string_agg(s::text || encode(s.credentials, 'escape'), E'\n') FROM sftp_connections s WHERE tenant_id = @t
            """);
        cmd.Parameters.AddWithValue("t", t.Id);
        var rows = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.Contains(withKey.ToString(), rows);
        Assert.Contains(withPassword.ToString(), rows);
        Assert.DoesNotContain(password, rows);
        Assert.DoesNotContain("OPENSSH", rows);
        foreach (var line in Sftp.PrivateKey.Split('\n').Where(l => l.Length > 20 && !l.StartsWith("-----"))) Assert.DoesNotContain(line, rows);

        await using var audit = db.CreateCommand("SELECT string_agg(detail::text, E'\n') FROM audit_log WHERE tenant_id = @t AND action LIKE 'sftp-connection.%'");
        audit.Parameters.AddWithValue("t", t.Id);
        var trail = (string)(await audit.ExecuteScalarAsync())!;
        Assert.Contains("Password one", trail);
        Assert.DoesNotContain(password, trail);

        // No CXC_SECRETS_KEY in this server: the key it generated is shared through the database.
        await using var key = db.CreateCommand("SELECT length(value) FROM platform_secrets WHERE name = 'secrets-key'");
        Assert.Equal(32, await key.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Validation_errors_name_each_field()
    {
        var t = await TenantAsync();

        var empty = await HttpAssert.FieldError(await t.Admin.PostJson(Url, new { }), "name");
        foreach (var field in new[] { "host", "username", "hostKeyFingerprint", "password" })
            Assert.True(empty.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {empty}");

        var bad = await HttpAssert.FieldError(await t.Admin.PostJson(Url, new
        {
            name = "x", host = "not a host", port = 70000, username = "ops", password = "p", privateKey = Sftp.PrivateKey,
            hostKeyFingerprint = "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48", basePath = "/data/../etc",
        }), "host");
        foreach (var field in new[] { "port", "password", "privateKey", "hostKeyFingerprint", "basePath" })
            Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {bad}");
        Assert.Contains("MD5", bad.GetProperty("errors").GetProperty("hostKeyFingerprint")[0].GetString());

        await HttpAssert.FieldError(await t.Admin.PostJson(Url, KeyBody(privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----")), "privateKey");
        var encrypted = Sftp.NewKey(passphrase: "s3cret phrase", authorize: false, type: "rsa");
        var needsPassphrase = await HttpAssert.FieldError(await t.Admin.PostJson(Url, KeyBody(privateKey: encrypted)), "privateKeyPassphrase");
        Assert.Contains("encrypted", needsPassphrase.GetProperty("errors").GetProperty("privateKeyPassphrase")[0].GetString());
        await HttpAssert.FieldError(await t.Admin.PostJson(Url, new
        {
            name = "x", host = "h", username = "u", privateKey = encrypted, privateKeyPassphrase = "wrong", hostKeyFingerprint = Sftp.HostKeyFingerprint,
        }), "privateKeyPassphrase");
        await HttpAssert.FieldError(await t.Admin.PostJson(Url, new
        {
            name = "x", host = "h", username = "u", password = "p", privateKeyPassphrase = "p", hostKeyFingerprint = Sftp.HostKeyFingerprint,
        }), "privateKeyPassphrase");
        await HttpAssert.FieldError(await t.Admin.PostRaw(Url, """{"name":"x","port":"twenty-two"}"""), "port");

        // A PEM RSA key with its passphrase is accepted, and a name is unique per tenant.
        var ok = await CreatedAsync(t.Admin, new
        {
            name = "Encrypted key", host = "h", username = "u", privateKey = encrypted, privateKeyPassphrase = "s3cret phrase",
            hostKeyFingerprint = "256 " + Sftp.HostKeyFingerprint + " root@host (ED25519)",
        });
        Assert.Equal(Sftp.HostKeyFingerprint, ok.GetProperty("hostKeyFingerprint").GetString());
        Assert.Equal(22, ok.GetProperty("port").GetInt32());
        var taken = await HttpAssert.Problem(await t.Admin.PostJson(Url, new
        {
            name = "ENCRYPTED KEY", host = "h", username = "u", password = "p", hostKeyFingerprint = Sftp.HostKeyFingerprint,
        }), HttpStatusCode.Conflict);
        Assert.True(taken.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Moving_a_connection_to_another_server_requires_its_credentials_again()
    {
        var t = await TenantAsync();
        var id = Id(await CreatedAsync(t.Admin, KeyBody()));

        var moved = await HttpAssert.FieldError(await t.Admin.PatchAsJsonAsync($"{Url}/{id}", new { host = "attacker.example.com" }), "privateKey");
        Assert.Contains("only sent to the server they were entered for", moved.GetProperty("errors").GetProperty("privateKey")[0].GetString());
        await HttpAssert.FieldError(await t.Admin.PatchAsJsonAsync($"{Url}/{id}", new { hostKeyFingerprint = "SHA256:" + new string('A', 43) }), "privateKey");

        var ok = await HttpAssert.Json(await t.Admin.PatchAsJsonAsync($"{Url}/{id}", new { host = "localhost", privateKey = Sftp.PrivateKey }), HttpStatusCode.OK);
        Assert.Equal("localhost", ok.GetProperty("host").GetString());
    }

    [Fact]
    public async Task Another_tenant_can_neither_see_nor_use_a_connection_and_roles_are_enforced()
    {
        var owner = await TenantAsync();
        var other = await TenantAsync();
        var id = Id(await CreatedAsync(owner.Admin, KeyBody()));

        Assert.Equal("[]", await (await other.Admin.GetAsync(Url)).Content.ReadAsStringAsync());
        await HttpAssert.Problem(await other.Admin.GetAsync($"{Url}/{id}"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.Admin.PatchAsJsonAsync($"{Url}/{id}", new { name = "mine" }), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.Admin.PostAsync($"{Url}/{id}/test", null), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.Admin.DeleteAsync($"{Url}/{id}"), HttpStatusCode.NotFound);
        await HttpAssert.Json(await owner.Admin.GetAsync($"{Url}/{id}"), HttpStatusCode.OK);

        var supervisor = await KeyAsync(owner, "supervisor");
        await HttpAssert.Json(await supervisor.GetAsync($"{Url}/{id}"), HttpStatusCode.OK);
        await HttpAssert.Problem(await supervisor.PostJson(Url, KeyBody()), HttpStatusCode.Forbidden);
        await HttpAssert.Problem(await supervisor.DeleteAsync($"{Url}/{id}"), HttpStatusCode.Forbidden);
        var viewer = await KeyAsync(owner, "viewer");
        await HttpAssert.Problem(await viewer.GetAsync(Url), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_test_endpoint_connects_verifies_the_host_key_and_lists_the_base_path()
    {
        var t = await TenantAsync();
        var dir = Directory.CreateDirectory(Path.Combine(Sftp.Root, "test-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        for (var i = 0; i < 25; i++) await File.WriteAllTextAsync(Path.Combine(dir, $"file{i:00}.csv"), "x");
        var id = Id(await CreatedAsync(t.Admin, KeyBody(basePath: dir)));

        var result = await HttpAssert.Json(await t.Admin.PostAsync($"{Url}/{id}/test", null), HttpStatusCode.OK);

        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal(Sftp.HostKeyFingerprint, result.GetProperty("hostKeyFingerprint").GetString());
        var entries = result.GetProperty("entries").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(20, entries.Count);
        Assert.All(entries, e => Assert.Matches(@"^file\d\d\.csv$", e));
    }

    [Fact]
    public async Task The_test_endpoint_reports_a_host_key_mismatch_with_both_fingerprints()
    {
        var t = await TenantAsync();
        var pinned = "SHA256:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');
        var id = Id(await CreatedAsync(t.Admin, KeyBody(fingerprint: pinned)));

        var problem = await HttpAssert.Problem(await t.Admin.PostAsync($"{Url}/{id}/test", null), HttpStatusCode.BadGateway);

        Assert.Equal("host-key-mismatch", problem.GetProperty("reason").GetString());
        Assert.Equal(pinned, problem.GetProperty("expectedFingerprint").GetString());
        Assert.Equal(Sftp.HostKeyFingerprint, problem.GetProperty("offeredFingerprint").GetString());
        Assert.Equal($"host key mismatch: expected {pinned}, the server offered {Sftp.HostKeyFingerprint}", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_test_endpoint_reports_a_dead_port_a_rejected_login_and_a_missing_directory()
    {
        var t = await TenantAsync();
        var port = LocalProcess.FreePort();
        var dead = Id(await CreatedAsync(t.Admin, KeyBody(port: port)));
        var refused = await HttpAssert.Problem(await t.Admin.PostAsync($"{Url}/{dead}/test", null), HttpStatusCode.BadGateway);
        Assert.Equal("refused", refused.GetProperty("reason").GetString());
        Assert.Equal($"the SFTP server 127.0.0.1:{port} refused the connection", refused.GetProperty("detail").GetString());

        var stranger = Id(await CreatedAsync(t.Admin, KeyBody(privateKey: Sftp.NewKey(authorize: false))));
        var rejected = await HttpAssert.Problem(await t.Admin.PostAsync($"{Url}/{stranger}/test", null), HttpStatusCode.BadGateway);
        Assert.Equal("authentication-failed", rejected.GetProperty("reason").GetString());

        var nowhere = Id(await CreatedAsync(t.Admin, KeyBody(basePath: Sftp.Root + "/no-such-dir")));
        var missing = await HttpAssert.Problem(await t.Admin.PostAsync($"{Url}/{nowhere}/test", null), HttpStatusCode.BadGateway);
        Assert.Equal("not-found", missing.GetProperty("reason").GetString());
        Assert.Contains("no-such-dir", missing.GetProperty("detail").GetString());
    }
}
