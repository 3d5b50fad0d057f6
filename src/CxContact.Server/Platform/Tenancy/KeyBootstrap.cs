using CxContact.Core.Tenancy;
using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>
/// Makes sure someone can log in after the first start: a system-admin key (from CXC_BOOTSTRAP_ADMIN_KEY, or made
/// once and written to CXC_BOOTSTRAP_KEY_FILE, never logged), and the demo tenant when CXC_DEMO_API_KEY is set.
/// Idempotent, and serialised across silos.
/// </summary>
public sealed class KeyBootstrap(NpgsqlDataSource db, PlatformSettings settings, ILogger log)
{
    private const long LockKey = 0x6378_632d_6b65_7973; // "cxc-keys"
    public const string DemoTenantName = "Demo";

    public async Task RunAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Scalar(conn, tx, "SELECT pg_advisory_xact_lock(@k)", ct, ("k", LockKey));

        if (settings.BootstrapAdminKey is { } given)
        {
            if (await EnsureKeyAsync(conn, tx, Tenant.SystemId, "bootstrap (CXC_BOOTSTRAP_ADMIN_KEY)", ApiKeyRoles.SystemAdmin, given, ct))
                log.LogInformation("Registered the system admin key given by CXC_BOOTSTRAP_ADMIN_KEY");
        }
        // Generated on an api silo only: it has the landing volume the operator reads the key file from.
        else if (settings.Has(SiloRoles.Api)
                 && await Scalar(conn, tx, "SELECT count(*) FROM api_keys WHERE role = 'system-admin' AND revoked_at IS NULL", ct) is 0L)
        {
            var secret = ApiKeySecret.Generate();
            await TenantStore.InsertKeyAsync(conn, tx, Tenant.SystemId, "bootstrap", ApiKeyRoles.SystemAdmin, secret, null, ct);
            // Never logged (logs are shipped and kept): written once to a file only this user can read, before the key
            // is committed, so a key nobody can read is never created. The hash is all the database keeps.
            WriteKeyFile(settings.BootstrapKeyFile, secret);
            log.LogWarning("Created the bootstrap system admin key and wrote it to {KeyFile} (readable by this user only): read it there, " +
                "store it safely and delete the file. Set CXC_BOOTSTRAP_ADMIN_KEY to give your own instead", settings.BootstrapKeyFile);
        }

        if (settings.DemoApiKey is { } demoKey)
        {
            var tenantId = await Scalar(conn, tx, "SELECT tenant_id FROM tenants WHERE lower(name) = lower(@n)", ct, ("n", DemoTenantName)) as Guid?;
            if (tenantId is null)
            {
                tenantId = Guid.CreateVersion7();
                await Scalar(conn, tx, "INSERT INTO tenants (tenant_id, name) VALUES (@id, @n)", ct, ("id", tenantId.Value), ("n", DemoTenantName));
                await Audit.AuditTrail.WriteAsync(conn, tx, tenantId.Value, null, "tenant.created", tenantId.Value.ToString(), new { name = DemoTenantName, seeded = true }, ct);
                log.LogInformation("Seeded the demo tenant {TenantId}", tenantId);
            }
            await EnsureKeyAsync(conn, tx, tenantId.Value, "demo admin (CXC_DEMO_API_KEY)", ApiKeyRoles.Admin, demoKey, ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds the key unless its hash is already there. Returns whether it was added.</summary>
    private async Task<bool> EnsureKeyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string name, string role, string secret, CancellationToken ct)
    {
        var existing = await Scalar(conn, tx, "SELECT tenant_id FROM api_keys WHERE key_hash = @h", ct, ("h", ApiKeySecret.Hash(secret)));
        if (existing is Guid owner)
        {
            if (owner != tenantId)
                log.LogError("The key given for {Name} already belongs to another tenant; it was left as it is", name);
            return false;
        }
        await TenantStore.InsertKeyAsync(conn, tx, tenantId, name, role, secret, null, ct);
        return true;
    }

    private static async Task<object?> Scalar(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params (string, object)[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>Writes the file (one left from an older database is replaced), owner read/write only on Unix.</summary>
    private static void WriteKeyFile(string path, string secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new StreamWriter(path, System.Text.Encoding.UTF8, options);
        file.WriteLine(secret);
    }
}
