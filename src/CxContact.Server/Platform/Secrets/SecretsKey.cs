using System.Security.Cryptography;
using CxContact.Server.Platform.Tenancy;
using Npgsql;

namespace CxContact.Server.Platform.Secrets;

/// <summary>
/// The master key that seals stored credentials: CXC_SECRETS_KEY when set; otherwise one generated on first use and
/// kept in platform_secrets, so that every silo of a deployment (and every restart) opens what another sealed.
/// The generated key sits in the same database as the data it seals: it keeps secrets out of dumps of one table and
/// out of logs, not away from someone holding the whole database. Production sets CXC_SECRETS_KEY.
/// </summary>
public sealed class SecretsKey(NpgsqlDataSource db, byte[]? configured, ILogger<SecretsKey> log)
{
    public const string StoredName = "secrets-key";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key = configured;

    public async ValueTask<byte[]> GetAsync(CancellationToken ct)
    {
        if (_key is { } key) return key;
        await _gate.WaitAsync(ct);
        try
        {
            return _key ??= await LoadOrCreateAsync(ct);
        }
        finally { _gate.Release(); }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken ct)
    {
        // Two statements, not one: a silo that loses the insert race must see the winner's committed row, which a
        // single statement's snapshot would not.
        await using (var insert = db.CreateCommand(
            "INSERT INTO platform_secrets (tenant_id, name, value) VALUES (@t, @n, @v) ON CONFLICT DO NOTHING"))
        {
            insert.Parameters.AddWithValue("t", Tenant.SystemId);
            insert.Parameters.AddWithValue("n", StoredName);
            insert.Parameters.AddWithValue("v", RandomNumberGenerator.GetBytes(32));
            if (await insert.ExecuteNonQueryAsync(ct) == 1)
                log.LogWarning("CXC_SECRETS_KEY is not set: generated a secrets key and stored it in platform_secrets. " +
                    "Set CXC_SECRETS_KEY (32 random bytes, base64) in production");
        }
        await using var select = db.CreateCommand("SELECT value FROM platform_secrets WHERE tenant_id = @t AND name = @n");
        select.Parameters.AddWithValue("t", Tenant.SystemId);
        select.Parameters.AddWithValue("n", StoredName);
        var value = (byte[]?)await select.ExecuteScalarAsync(ct);
        return value is { Length: 32 } ? value
            : throw new InvalidOperationException("platform_secrets holds a secrets key that is not 32 bytes long");
    }
}
